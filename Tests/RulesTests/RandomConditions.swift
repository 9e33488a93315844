@testable import Rules

/// Random documents and conditions for property and fuzz tests (small vocabularies so that
/// conditions actually hit the documents' fields and values).
struct RandomConditions {
    var rng: SeededGenerator
    let keys: [String]
    let paths: [String]

    /// `keyPrefix` renames the field names (not the numeric segments), e.g. to use keys the
    /// process-wide key interner has never seen.
    init(seed: UInt64, keyPrefix: String = "") {
        rng = SeededGenerator(seed: seed)
        keys = ["a", "b", "c"].map { keyPrefix + $0 }
        paths = ["a", "b", "a.b", "a.0", "b.c", "a.b.c", "a.1", "c"].map { path in
            path.split(separator: ".").map { $0.first!.isNumber ? String($0) : keyPrefix + $0 }.joined(separator: ".")
        }
    }

    mutating func pick<T>(_ values: [T]) -> T { values[Int.random(in: 0..<values.count, using: &rng)] }
    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &rng) < percent }

    mutating func scalar() -> JSONValue {
        pick([.null, .bool(true), .bool(false), 0, 1, 2, 1.0, 2.5, -1, "x", "y", "", "2024-01-01T00:00:00Z"])
    }

    mutating func value(depth: Int) -> JSONValue {
        if depth <= 0 || chance(55) { return scalar() }
        if chance(50) {
            return .array((0..<Int.random(in: 0...3, using: &rng)).map { _ in value(depth: depth - 1) })
        }
        var members: [String: JSONValue] = [:]
        for _ in 0..<Int.random(in: 0...3, using: &rng) { members[pick(keys)] = value(depth: depth - 1) }
        return .object(members)
    }

    mutating func document() -> JSONValue {
        var members: [String: JSONValue] = [:]
        for key in keys where chance(75) { members[key] = value(depth: 3) }
        return .object(members)
    }

    mutating func literal() -> JSONValue {
        if chance(10) { return .array([scalar(), scalar()]) }
        if chance(5) { return .object([keys[1]: scalar()]) }
        if chance(5) { return ["value": "2.5", "type": "DECIMAL"] }
        if chance(3) { return ["value": "2024-01-01T00:00:00Z", "type": "DATETIME"] }
        return scalar()
    }

    mutating func scalarLiteral() -> JSONValue {
        if chance(5) { return ["value": "1", "type": "INTEGER"] }
        return scalar()
    }

    mutating func operators(depth: Int) -> JSONValue {
        var members: [String: JSONValue] = [:]
        for _ in 0..<Int.random(in: 1...2, using: &rng) {
            switch Int.random(in: 0..<14, using: &rng) {
            case 0: members["$eq"] = literal()
            case 1: members["$ne"] = literal()
            case 2: members["$gt"] = scalarLiteral()
            case 3: members["$gte"] = scalarLiteral()
            case 4: members["$lt"] = scalarLiteral()
            case 5: members["$lte"] = scalarLiteral()
            case 6: members["$in"] = .array((0..<Int.random(in: 0...3, using: &rng)).map { _ in literal() })
            case 7: members["$nin"] = .array((0..<Int.random(in: 0...3, using: &rng)).map { _ in literal() })
            case 8: members["$exists"] = .bool(chance(50))
            case 9: members["$size"] = .number(JSONNumber(Int.random(in: 0...2, using: &rng)))
            case 10: members["$all"] = .array((0..<Int.random(in: 0...2, using: &rng)).map { _ in literal() })
            case 11: members["$between"] = .array([scalar(), scalar()])
            case 12 where depth > 0:
                members["$elemMatch"] = chance(50) ? operators(depth: depth - 1) : condition(depth: depth - 1)
            case 13 where depth > 0: members["$not"] = operators(depth: depth - 1)
            default: members["$eq"] = literal()
            }
        }
        return .object(members)
    }

    mutating func condition(depth: Int) -> JSONValue {
        if depth > 0 && chance(35) {
            let children = JSONValue.array((0..<Int.random(in: 1...3, using: &rng)).map { _ in condition(depth: depth - 1) })
            return .object([pick(["$and", "$or", "$nor"]): children])
        }
        if depth > 0 && chance(5) { return ["$not": condition(depth: depth - 1)] }
        var members: [String: JSONValue] = [:]
        for _ in 0..<Int.random(in: 1...2, using: &rng) {
            members[pick(paths)] = chance(30) ? literal() : operators(depth: depth - 1)
        }
        return .object(members)
    }
}
