import Testing
@testable import Rules

@Suite struct NormalizationTests {
    func normalized(_ text: String) throws -> String {
        try Condition(parsing: json(text)).normalized().json.jsonText
    }

    @Test func pushesNegationOnlyWhereExact() throws {
        #expect(try normalized(#"{"$nor": [{"a": 1}, {"b": {"$in": [1, 2]}}]}"#) == #"{"a":{"$ne":1},"b":{"$nin":[1,2]}}"#)
        #expect(try normalized(#"{"a": {"$not": {"$exists": true}}}"#) == #"{"a":{"$exists":false}}"#)
        // $not $gt is not $lte (arrays, missing fields, other types): kept as an explicit $not.
        #expect(try normalized(#"{"a": {"$not": {"$gt": 5}}}"#) == #"{"a":{"$not":{"$gt":5}}}"#)
        #expect(try normalized(#"{"$not": {"$or": [{"a": 1}, {"b": {"$gt": 2}}]}}"#) == #"{"a":{"$ne":1},"b":{"$not":{"$gt":2}}}"#)
        #expect(try normalized(#"{"$not": {"$not": {"a": 1}}}"#) == #"{"a":1}"#)
    }

    @Test func flattensFoldsAndMerges() throws {
        #expect(try normalized(#"{"$and": [{"a": 1}, {"$and": [{"b": 2}, {"a": 1}]}]}"#) == #"{"a":1,"b":2}"#)
        #expect(try normalized(#"{"$or": [{"a": 1}, {"a": {"$in": [2, 3]}}, {"a": 1}]}"#) == #"{"a":{"$in":[1,2,3]}}"#)
        #expect(try normalized(#"{"$or": [{"a": {"$in": []}}, {"b": 1}]}"#) == #"{"b":1}"#)
        #expect(try normalized(#"{"a": {"$all": []}, "b": 1}"#) == #"{"$nor":[{}]}"#)
        #expect(try normalized(#"{"a": {"$between": [1, 5]}}"#) == #"{"a":{"$gte":1,"$lte":5}}"#)
        #expect(try normalized(#"{"a": {"$in": [7]}}"#) == #"{"a":7}"#)
        #expect(try normalized(#"{"a": {"$gt": null}}"#) == #"{"$nor":[{}]}"#)
    }

    @Test func ordersCheapFirstAndCanonically() throws {
        let a = try Condition(parsing: json(#"{"$or": [{"lines.sku": {"$in": ["A", "B", "C"]}}, {"tier": "gold"}]}"#)).normalized()
        let b = try Condition(parsing: json(#"{"$or": [{"tier": "gold"}, {"lines.sku": {"$in": ["C", "B", "A"]}}]}"#)).normalized()
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        guard case .or(let children) = a.root, case .field(let first) = children[0] else {
            Issue.record("expected an $or of fields"); return
        }
        #expect(first.path.description == "tier")
    }

    @Test func typedLiteralsInCanonicalForm() throws {
        #expect(try normalized(#"{"total": {"$gt": {"value": "2999.99", "type": "DECIMAL"}}}"#)
            == #"{"total":{"$gt":{"type":"DECIMAL","value":"2999.99"}}}"#)
        #expect(try normalized(#"{"at": {"$lt": {"value": "2024-11-29T09:00:00+01:00", "type": "DATETIME"}}}"#)
            == #"{"at":{"$lt":{"type":"DATETIME","value":"2024-11-29T08:00:00Z"}}}"#)
    }

    @Test func elemMatchKeepsExpressibleForm() throws {
        let text = #"{"a": {"$elemMatch": {"$all": [1, 2], "$between": [0, 3], "$gte": 1}}}"#
        let condition = try Condition(parsing: json(text))
        let reparsed = try Condition(parsing: condition.normalized().json)
        #expect(reparsed.normalized() == condition.normalized())
    }
}
