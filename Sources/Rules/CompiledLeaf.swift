/// One compiled field predicate: a pre-split path and a type-specialised test.
struct CompiledLeaf: Sendable {
    let path: FieldPath
    let test: CompiledTest
    /// True for `$ne`, `$nin`, `$exists: false` and negated leaves: "no value at the path passes".
    let negated: Bool
    /// Whether arrays at the end of the path are also tested element by element.
    let traverse: Bool
    /// The source predicate, for explanations.
    let predicate: FieldPredicate
    /// Whether the predicate is wrapped in a `$not` (for explanations).
    let displayNegated: Bool

    @inline(__always)
    func matches(_ document: JSONValue) -> Bool {
        let test = self.test
        let found = PathWalker.any(document, path, traverseLeafArrays: traverse) { test.check($0) }
        return found != negated
    }

    func failure(_ document: JSONValue) -> Explanation.Failure {
        failure(found: PathWalker.found(document, predicate.path))
    }

    /// The failure record, given the values found at the path (see `PathWalker.found`).
    func failure(found: JSONValue?) -> Explanation.Failure {
        let (name, argument) = predicate.test.operatorAndArgument
        return Explanation.Failure(
            path: predicate.origin,
            field: predicate.path.description,
            operator: displayNegated ? "$not" : name,
            expected: displayNegated ? .object([name: argument]) : argument,
            found: found)
    }
}

/// A comparison operator.
enum ComparisonKind: Sendable {
    case gt, gte, lt, lte

    @inline(__always)
    func accepts(_ order: Int) -> Bool {
        switch self {
        case .gt: order > 0
        case .gte: order >= 0
        case .lt: order < 0
        case .lte: order <= 0
        }
    }
}
