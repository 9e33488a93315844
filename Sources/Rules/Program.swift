/// The compiled evaluation form of a normalised condition.
indirect enum Program: Sendable {
    case constant(Bool)
    case and([Program])
    case or([Program])
    case not(Program)
    case leaf(CompiledLeaf)

    /// The path segments of every leaf, in order (repeats included).
    func collectSegments(into segments: inout [String]) {
        switch self {
        case .leaf(let leaf): segments.append(contentsOf: leaf.path.segments)
        case .and(let children), .or(let children): for child in children { child.collectSegments(into: &segments) }
        case .not(let child): child.collectSegments(into: &segments)
        case .constant: break
        }
    }

    /// Evaluates with short-circuiting; allocation-free.
    func matches(_ document: JSONValue) -> Bool {
        switch self {
        case .leaf(let leaf):
            return leaf.matches(document)
        case .and(let children):
            for child in children where !child.matches(document) { return false }
            return true
        case .or(let children):
            for child in children where child.matches(document) { return true }
            return false
        case .not(let child):
            return !child.matches(document)
        case .constant(let value):
            return value
        }
    }

    /// The explanation of evaluating `document`: for a false condition, the leaves that failed.
    func explanation(_ document: JSONValue) -> Explanation {
        var failures: [Explanation.Failure] = []
        let matched = explain(document, into: &failures)
        return Explanation(matched: matched, failures: matched ? [] : failures)
    }

    /// Evaluates without short-circuiting `$and`, recording failed leaves.
    func explain(_ document: JSONValue, into failures: inout [Explanation.Failure]) -> Bool {
        switch self {
        case .leaf(let leaf):
            let matched = leaf.matches(document)
            if !matched { failures.append(leaf.failure(document)) }
            return matched
        case .and(let children):
            var matched = true
            for child in children where !child.explain(document, into: &failures) { matched = false }
            return matched
        case .or(let children):
            var branchFailures: [Explanation.Failure] = []
            for child in children where child.explain(document, into: &branchFailures) { return true }
            failures.append(contentsOf: branchFailures)
            return false
        case .not(let child):
            var ignored: [Explanation.Failure] = []
            return !child.explain(document, into: &ignored)
        case .constant(let value):
            return value
        }
    }
}
