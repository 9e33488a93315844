extension RuleNormalizer {
    /// Flattens, folds constants, removes duplicates, merges equalities and orders children.
    static func simplify(_ node: RuleNode, element: Bool) -> RuleNode {
        switch node {
        case .and(let children):
            var flat: [RuleNode] = []
            for child in children.map({ simplify($0, element: element) }) {
                switch child {
                case .constant(true): continue
                case .constant(false): return .constant(false)
                case .and(let grand): flat.append(contentsOf: grand)
                default: flat.append(child)
                }
            }
            flat = mergeMembership(flat, disjunction: false)
            return finish(flat, disjunction: false)
        case .or(let children):
            var flat: [RuleNode] = []
            for child in children.map({ simplify($0, element: element) }) {
                switch child {
                case .constant(false): continue
                case .constant(true): return .constant(true)
                case .or(let grand): flat.append(contentsOf: grand)
                default: flat.append(child)
                }
            }
            flat = mergeMembership(flat, disjunction: true)
            return finish(flat, disjunction: true)
        case .not(let child):
            let simplified = simplify(child, element: element)
            switch simplified {
            case .constant(let value): return .constant(!value)
            case .not(let inner): return inner
            default: return .not(simplified)
            }
        case .nor(let children):
            return simplify(.not(.or(children)), element: element)
        case .constant, .field:
            return node
        }
    }

    static func finish(_ children: [RuleNode], disjunction: Bool) -> RuleNode {
        // Duplicates by canonical bytes: `RuleNode`'s `==` follows Swift's Unicode-canonical
        // string equality, but conditions compare strings byte-wise ("K" vs KELVIN SIGN differ).
        var seen = Set<[UInt8]>()
        var keyed: [(cost: Int, text: String, node: RuleNode)] = []
        for child in children {
            let text = child.canonicalJSON.jsonText
            guard seen.insert(Array(text.utf8)).inserted else { continue }
            keyed.append((cost(child), text, child))
        }
        keyed.sort { $0.cost != $1.cost ? $0.cost < $1.cost : $0.text.utf8.lexicographicallyPrecedes($1.text.utf8) }
        switch keyed.count {
        case 0: return .constant(!disjunction)
        case 1: return keyed[0].node
        default: return disjunction ? .or(keyed.map(\.node)) : .and(keyed.map(\.node))
        }
    }

    /// Under `$or`: `$eq`/`$in` of one path become one `$in`. Under `$and`: `$ne`/`$nin` of one
    /// path become one `$nin`. (Exact: "some value equals x or some value equals y" is "some
    /// value is in [x, y]".)
    static func mergeMembership(_ children: [RuleNode], disjunction: Bool) -> [RuleNode] {
        var groups: [FieldPath: (index: Int, origin: String, literals: [RuleLiteral], count: Int)] = [:]
        var result: [RuleNode?] = []
        for child in children {
            guard case .field(let predicate) = child else { result.append(child); continue }
            let literals: [RuleLiteral]
            switch (predicate.test, disjunction) {
            case (.eq(let literal), true), (.ne(let literal), false): literals = [literal]
            case (.in(let list), true), (.nin(let list), false): literals = list
            default: result.append(child); continue
            }
            if var group = groups[predicate.path] {
                group.literals += literals
                group.count += 1
                groups[predicate.path] = group
            } else {
                groups[predicate.path] = (result.count, predicate.origin, literals, 1)
                result.append(child)
            }
        }
        for (path, group) in groups where group.count > 1 {
            let unique = sortedUnique(group.literals)
            let test: FieldTest
            if unique.count == 1 {
                test = disjunction ? .eq(unique[0]) : .ne(unique[0])
            } else {
                test = disjunction ? .in(unique) : .nin(unique)
            }
            result[group.index] = .field(FieldPredicate(path: path, test: test, origin: group.origin))
        }
        return result.compactMap { $0 }
    }

    /// A rough evaluation cost: path length, list sizes, nested conditions.
    static func cost(_ node: RuleNode) -> Int {
        switch node {
        case .constant: return 0
        case .and(let children), .or(let children), .nor(let children): return children.reduce(0) { $0 + cost($1) }
        case .not(let child): return cost(child)
        case .field(let predicate):
            let base = 1 + predicate.path.segments.count
            switch predicate.test {
            case .in(let list), .nin(let list), .all(let list): return base + min(list.count, MemberSet.hashThreshold + 1)
            case .elemMatch(.value(let inner)), .elemMatch(.document(let inner)): return base + 8 + 2 * cost(inner)
            case .eq(.value(.array)), .eq(.value(.object)), .ne(.value(.array)), .ne(.value(.object)): return base + 2
            case .between: return base + 1
            default: return base
            }
        }
    }
}
