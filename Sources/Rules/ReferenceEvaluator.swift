/// Interprets a syntax tree directly, operator by operator, following MongoDB's semantics.
/// Slow but simple: the oracle the compiled form and the normaliser are tested against.
enum ReferenceEvaluator {
    static func matches(_ node: RuleNode, _ document: JSONValue) -> Bool {
        switch node {
        case .constant(let value): return value
        case .and(let children): return children.allSatisfy { matches($0, document) }
        case .or(let children): return children.contains { matches($0, document) }
        case .nor(let children): return !children.contains { matches($0, document) }
        case .not(let child): return !matches(child, document)
        case .field(let predicate): return test(predicate.test, predicate.path, document)
        }
    }

    static func test(_ test: FieldTest, _ path: FieldPath, _ document: JSONValue) -> Bool {
        func any(_ body: (JSONValue?) -> Bool) -> Bool {
            PathWalker.any(document, path, traverseLeafArrays: true, body)
        }
        func compare(_ literal: RuleLiteral, _ accept: (Int) -> Bool) -> Bool {
            any { value in ValueSemantics.compare(value, literal).map(accept) ?? false }
        }
        switch test {
        case .eq(let literal): return any { ValueSemantics.equals($0, literal) }
        case .ne(let literal): return !any { ValueSemantics.equals($0, literal) }
        case .gt(let literal): return compare(literal) { $0 > 0 }
        case .gte(let literal): return compare(literal) { $0 >= 0 }
        case .lt(let literal): return compare(literal) { $0 < 0 }
        case .lte(let literal): return compare(literal) { $0 <= 0 }
        case .in(let literals):
            return any { value in literals.contains { ValueSemantics.equals(value, $0) } }
        case .nin(let literals):
            return !any { value in literals.contains { ValueSemantics.equals(value, $0) } }
        case .between(let low, let high):
            return compare(low) { $0 >= 0 } && compare(high) { $0 <= 0 }
        case .exists(let expected):
            return any { $0 != nil } == expected
        case .size(let count):
            return PathWalker.any(document, path, traverseLeafArrays: false) { value in
                if case .array(let elements)? = value { return elements.count == count }
                return false
            }
        case .all(let literals):
            return !literals.isEmpty && literals.allSatisfy { literal in any { ValueSemantics.equals($0, literal) } }
        case .elemMatch(let elemMatch):
            return PathWalker.any(document, path, traverseLeafArrays: false) { value in
                guard case .array(let elements)? = value else { return false }
                switch elemMatch {
                case .value(let node):
                    return elements.contains { matches(node, $0) }
                case .document(let node):
                    return elements.contains { element in
                        switch element {
                        case .object, .array: return matches(node, element)
                        default: return false
                        }
                    }
                }
            }
        }
    }
}
