import Rules

/// Which fields of the cart and line documents any trigger or target can read, so the engine
/// builds (and flattens) only those: an unread field cannot change any condition's result.
struct FieldUsage: Sendable, Hashable {
    /// Top-level cart fields read by triggers (`lines` is handled by ``lineFields``).
    var cartFields: Set<String> = []
    /// Line fields read by targets, or by triggers through `lines.<field>` / `$elemMatch`.
    var lineFields: Set<String> = []
    /// A path reads a whole line or cart (e.g. `lines` compared as a value): build everything.
    var everything = false
    /// Some target is evaluated on the line documents (not natively, not by the index alone).
    var targetsReadLines = false

    /// Whether the document needs its `lines` array at all (triggers reading `lines…`, or
    /// targets evaluated on line nodes); without it, building the document is O(1) in lines.
    var needsLines: Bool { everything || targetsReadLines || cartFields.contains("lines") }

    mutating func addTrigger(_ node: RuleNode) {
        walk(node) { segments in
            guard let first = segments.first else { everything = true; return }
            cartFields.insert(first)
            guard first == "lines" else { return }
            var rest = segments.dropFirst()
            if let index = rest.first, index.allSatisfy(\.isNumber) { rest = rest.dropFirst() }
            if let field = rest.first { lineFields.insert(field) } else { everything = true }
        } elementPaths: { outer, segments in
            // $elemMatch on `lines`: the sub-condition reads fields of a line.
            if outer.first == "lines", outer.count == 1 {
                if let field = segments.first { lineFields.insert(field) } else { everything = true }
            }
        }
    }

    mutating func addTarget(_ node: RuleNode) {
        targetsReadLines = true
        walk(node) { segments in
            if let first = segments.first { lineFields.insert(first) } else { everything = true }
        } elementPaths: { _, _ in }
    }

    /// Calls `path` for every field path, and `elementPaths(outer, inner)` for paths inside an
    /// `$elemMatch` on `outer` (which `path` has already seen).
    private func walk(_ node: RuleNode, path: (ArraySlice<String>) -> Void,
                      elementPaths: (ArraySlice<String>, ArraySlice<String>) -> Void) {
        switch node {
        case .constant: break
        case .and(let children), .or(let children), .nor(let children):
            for child in children { walk(child, path: path, elementPaths: elementPaths) }
        case .not(let child): walk(child, path: path, elementPaths: elementPaths)
        case .field(let predicate):
            let outer = predicate.path.segments[...]
            path(outer)
            if case .elemMatch(let match) = predicate.test {
                let inner: RuleNode = switch match {
                case .value(let node), .document(let node): node
                }
                walk(inner, path: { elementPaths(outer, $0) }, elementPaths: { _, _ in })
            }
        }
    }
}
