/// Simplifies a syntax tree without changing what it matches (MongoDB semantics).
///
/// - Sugar expands: `$between` → `$gte` and `$lte`; `$all` → one `$eq` per value (`[]` → false);
///   `$in` of one value → `$eq`, `$in: []` → false, `$nin: []` → true.
/// - Negation is pushed down by De Morgan (`$not` of `$and`/`$or`, `$nor`) and removed by operator
///   inversion where that is exact: `$eq`↔`$ne`, `$in`↔`$nin`, `$exists` true↔false. A negated
///   `$gt`/`$gte`/`$lt`/`$lte`/`$size`/`$elemMatch` keeps an explicit `.not` — `{a: {$not: {$gt: 5}}}`
///   also matches arrays, missing fields and strings, so it is *not* `{a: {$lte: 5}}`.
///   Inside an operator-form `$elemMatch` negation is only inverted at leaves (no `$or` exists there).
/// - `$and`/`$or` are flattened, constants folded, duplicates removed, several `$eq`/`$in` of one
///   path under `$or` merged into one `$in`, several `$ne`/`$nin` under `$and` into one `$nin`.
/// - Children are ordered cheapest first, then by canonical text, so equal conditions written
///   differently normalise to the same tree.
enum RuleNormalizer {
    static func normalize(_ node: RuleNode) -> RuleNode {
        simplify(push(node, negated: false, element: false), element: false)
    }

    // MARK: Negation push-down and sugar

    static func push(_ node: RuleNode, negated: Bool, element: Bool) -> RuleNode {
        switch node {
        case .constant(let value):
            return .constant(value != negated)
        case .not(let child):
            return push(child, negated: !negated, element: element)
        case .and(let children):
            if negated && element { return .not(.and(children.map { push($0, negated: false, element: true) })) }
            let mapped = children.map { push($0, negated: negated, element: element) }
            return negated ? .or(mapped) : .and(mapped)
        case .or(let children):
            if negated && element { return .not(.or(children.map { push($0, negated: false, element: true) })) }
            let mapped = children.map { push($0, negated: negated, element: element) }
            return negated ? .and(mapped) : .or(mapped)
        case .nor(let children):
            if element {
                let inner = RuleNode.or(children.map { push($0, negated: false, element: true) })
                return negated ? inner : .not(inner)
            }
            let mapped = children.map { push($0, negated: !negated, element: false) }
            return negated ? .or(mapped) : .and(mapped)
        case .field(let predicate):
            return pushField(predicate, negated: negated, element: element)
        }
    }

    static func pushField(_ predicate: FieldPredicate, negated: Bool, element: Bool) -> RuleNode {
        func with(_ test: FieldTest) -> RuleNode {
            .field(FieldPredicate(path: predicate.path, test: test, origin: predicate.origin))
        }
        func leaf(_ test: FieldTest) -> RuleNode {
            negated ? .not(with(test)) : with(test)
        }
        switch predicate.test {
        case .between(let low, let high):
            return push(.and([with(.gte(low)), with(.lte(high))]), negated: negated, element: element)
        case .all(let literals):
            if literals.isEmpty { return .constant(negated) }
            return push(.and(literals.map { with(.eq($0)) }), negated: negated, element: element)
        case .in(let literals):
            let unique = sortedUnique(literals)
            if unique.isEmpty { return .constant(negated) }
            if unique.count == 1 { return with(negated ? .ne(unique[0]) : .eq(unique[0])) }
            return with(negated ? .nin(unique) : .in(unique))
        case .nin(let literals):
            let unique = sortedUnique(literals)
            if unique.isEmpty { return .constant(!negated) }
            if unique.count == 1 { return with(negated ? .eq(unique[0]) : .ne(unique[0])) }
            return with(negated ? .in(unique) : .nin(unique))
        case .eq(let literal):
            return with(negated ? .ne(literal) : .eq(literal))
        case .ne(let literal):
            return with(negated ? .eq(literal) : .ne(literal))
        case .exists(let expected):
            if predicate.path.segments.isEmpty { return .constant(expected != negated) }
            return with(.exists(expected != negated))
        case .gt(.value(.null)), .lt(.value(.null)):
            return .constant(negated)
        case .gt, .gte, .lt, .lte, .size:
            return leaf(predicate.test)
        case .elemMatch(.value(let inner)):
            let simplified = simplify(push(inner, negated: false, element: true), element: true)
            // Operator-form $elemMatch cannot express every tree (one object, distinct keys): keep
            // the parsed form when simplification would produce an inexpressible one.
            return leaf(.elemMatch(.value(simplified.isElementRenderable ? simplified : inner)))
        case .elemMatch(.document(let inner)):
            return leaf(.elemMatch(.document(normalize(inner))))
        }
    }

    static func sortedUnique(_ literals: [RuleLiteral]) -> [RuleLiteral] {
        var seen: [String: [RuleLiteral]] = [:]
        var result: [(String, RuleLiteral)] = []
        for literal in literals {
            let key = literal.canonicalJSON.jsonText
            if let existing = seen[key], existing.contains(where: { literalsIdentical($0, literal) }) { continue }
            seen[key, default: []].append(literal)
            result.append((key, literal))
        }
        return result.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }.map(\.1)
    }

    /// Identical for matching purposes (byte-wise strings, numbers by value).
    static func literalsIdentical(_ a: RuleLiteral, _ b: RuleLiteral) -> Bool {
        switch (a, b) {
        case (.value(let x), .value(let y)): ValueSemantics.jsonEqual(x, y)
        case (.dateTime(let x), .dateTime(let y)): x == y
        default: false
        }
    }
}
