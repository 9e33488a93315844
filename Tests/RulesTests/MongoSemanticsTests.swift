import Testing
@testable import Rules

/// MongoDB semantics, operator by operator: (condition, document, expected). Each case is checked
/// on the AST interpreter, the normalised AST and the compiled form.
struct SemanticsCase: CustomTestStringConvertible, Sendable {
    let condition: String
    let document: String
    let expected: Bool
    init(_ condition: String, _ document: String, _ expected: Bool) {
        self.condition = condition
        self.document = document
        self.expected = expected
    }
    var testDescription: String { "\(condition) on \(document) → \(expected)" }
}

func check(_ c: SemanticsCase) throws {
    let result = try evaluateAllWays(c.condition, c.document)
    #expect(result.reference == c.expected, "reference")
    #expect(result.normalized == c.expected, "normalized")
    #expect(result.compiled == c.expected, "compiled")
    #expect(result.prepared == c.expected, "prepared")
    #expect(result.preparedEarly == c.expected, "prepared before compilation")
}

@Suite struct MongoSemanticsTests {
    @Test(arguments: [
        // $eq: scalars, type bracketing, numbers across int/decimal
        SemanticsCase(#"{"a": 1}"#, #"{"a": 1}"#, true),
        SemanticsCase(#"{"a": 1}"#, #"{"a": 1.0}"#, true),
        SemanticsCase(#"{"a": 1}"#, #"{"a": "1"}"#, false),
        SemanticsCase(#"{"a": true}"#, #"{"a": 1}"#, false),
        SemanticsCase(#"{"a": {"$eq": 0.3}}"#, #"{"a": 0.30}"#, true),
        SemanticsCase(#"{"a": {"$eq": {"value": "2999.99", "type": "DECIMAL"}}}"#, #"{"a": 2999.990}"#, true),
        // arrays: element-wise and whole
        SemanticsCase(#"{"tags": "x"}"#, #"{"tags": ["y", "x"]}"#, true),
        SemanticsCase(#"{"tags": ["x", "y"]}"#, #"{"tags": ["x", "y"]}"#, true),
        SemanticsCase(#"{"tags": ["x", "y"]}"#, #"{"tags": ["y", "x"]}"#, false),
        SemanticsCase(#"{"tags": ["x"]}"#, #"{"tags": [["x"], "z"]}"#, true),
        SemanticsCase(#"{"tags": "x"}"#, #"{"tags": [["x"]]}"#, false),
        SemanticsCase(#"{"a": {"b": 1}}"#, #"{"a": {"b": 1}}"#, true),
        SemanticsCase(#"{"a": {"$eq": {"b": 1}}}"#, #"{"a": [{"b": 1}, 2]}"#, true),
        // null and missing
        SemanticsCase(#"{"a": null}"#, #"{}"#, true),
        SemanticsCase(#"{"a": null}"#, #"{"a": null}"#, true),
        SemanticsCase(#"{"a": null}"#, #"{"a": []}"#, false),
        SemanticsCase(#"{"a": null}"#, #"{"a": [1, null]}"#, true),
        SemanticsCase(#"{"a.b": null}"#, #"{"a": 4}"#, true),
        SemanticsCase(#"{"a.b": null}"#, #"{"a": [null, null]}"#, false),
        SemanticsCase(#"{"a.b": null}"#, #"{"a": [{"b": 3}, {}]}"#, true),
        SemanticsCase(#"{"a.b": null}"#, #"{"a": [[]]}"#, false),
        SemanticsCase(#"{"a.b": {"$ne": null}}"#, #"{"a": [null, null]}"#, true),
        SemanticsCase(#"{"a": {"$ne": null}}"#, #"{}"#, false),
        SemanticsCase(#"{"a": {"$ne": null}}"#, #"{"a": []}"#, true),
        SemanticsCase(#"{"a": {"$ne": 5}}"#, #"{}"#, true),
        SemanticsCase(#"{"a": {"$ne": 5}}"#, #"{"a": [1, 5]}"#, false),
        SemanticsCase(#"{"a": {"$ne": 5}}"#, #"{"a": [1, 6]}"#, true),
        // $gt/$gte/$lt/$lte: brackets
        SemanticsCase(#"{"a": {"$gt": 5}}"#, #"{"a": 6}"#, true),
        SemanticsCase(#"{"a": {"$gt": 5}}"#, #"{"a": "6"}"#, false),
        SemanticsCase(#"{"a": {"$gt": 5}}"#, #"{}"#, false),
        SemanticsCase(#"{"a": {"$gt": 5}}"#, #"{"a": null}"#, false),
        SemanticsCase(#"{"a": {"$gt": 5}}"#, #"{"a": [1, 7]}"#, true),
        SemanticsCase(#"{"a": {"$gt": 5}}"#, #"{"a": [[7]]}"#, false),
        SemanticsCase(#"{"a": {"$lt": "b"}}"#, #"{"a": "a"}"#, true),
        SemanticsCase(#"{"a": {"$lt": "b"}}"#, #"{"a": 1}"#, false),
        SemanticsCase(#"{"a": {"$gte": null}}"#, #"{}"#, true),
        SemanticsCase(#"{"a": {"$lte": null}}"#, #"{"a": null}"#, true),
        SemanticsCase(#"{"a": {"$gt": null}}"#, #"{"a": null}"#, false),
        SemanticsCase(#"{"a": {"$gt": false}}"#, #"{"a": true}"#, true),
        SemanticsCase(#"{"a": {"$gt": 0.1}}"#, #"{"a": 0.10000000000000001}"#, true),
        SemanticsCase(#"{"a": {"$lte": 0.3}}"#, #"{"a": 0.3}"#, true),
        SemanticsCase(#"{"a": {"$gt": 5, "$lt": 10}}"#, #"{"a": [2, 12]}"#, true),
        SemanticsCase(#"{"a": {"$elemMatch": {"$gt": 5, "$lt": 10}}}"#, #"{"a": [2, 12]}"#, false),
        SemanticsCase(#"{"a": {"$elemMatch": {"$gt": 5, "$lt": 10}}}"#, #"{"a": [2, 7]}"#, true),
        // $between
        SemanticsCase(#"{"a": {"$between": [1, 3]}}"#, #"{"a": 3}"#, true),
        SemanticsCase(#"{"a": {"$between": [1, 3]}}"#, #"{"a": 3.01}"#, false),
        SemanticsCase(#"{"a": {"$between": {"values": ["1.5", "2.5"], "type": "DECIMAL"}}}"#, #"{"a": 2.5}"#, true),
        // $in / $nin
        SemanticsCase(#"{"a": {"$in": [1, "x"]}}"#, #"{"a": "x"}"#, true),
        SemanticsCase(#"{"a": {"$in": [1, "x"]}}"#, #"{"a": ["y", 1.0]}"#, true),
        SemanticsCase(#"{"a": {"$in": [null, 75]}}"#, #"{}"#, true),
        SemanticsCase(#"{"a": {"$in": [[1, 2]]}}"#, #"{"a": [1, 2]}"#, true),
        SemanticsCase(#"{"a": {"$in": []}}"#, #"{"a": 1}"#, false),
        SemanticsCase(#"{"a": {"$nin": [1]}}"#, #"{}"#, true),
        SemanticsCase(#"{"a": {"$nin": [null, 75]}}"#, #"{}"#, false),
        SemanticsCase(#"{"a": {"$nin": [1, 2]}}"#, #"{"a": [3, 2]}"#, false),
        SemanticsCase(#"{"sku": {"$in": {"values": ["134174510", "133211893"], "type": "STRING"}}}"#, #"{"sku": "133211893"}"#, true),
        SemanticsCase(#"{"sku": {"$in": {"values": ["134174510"], "type": "STRING"}}}"#, #"{"sku": 134174510}"#, false),
        SemanticsCase(#"{"a": {"$in": ["a","b","c","d","e","f","g","h","i","j","k"]}}"#, #"{"a": "k"}"#, true),
        SemanticsCase(#"{"a": {"$in": [1,2,3,4,5,6,7,8,9,10,11]}}"#, #"{"a": 11.0}"#, true),
        // $exists
        SemanticsCase(#"{"a": {"$exists": true}}"#, #"{"a": null}"#, true),
        SemanticsCase(#"{"a": {"$exists": false}}"#, #"{"a": null}"#, false),
        SemanticsCase(#"{"a.b": {"$exists": true}}"#, #"{"a": [{"c": 1}, {"b": 2}]}"#, true),
        SemanticsCase(#"{"a.b": {"$exists": false}}"#, #"{"a": [1, 2]}"#, true),
        SemanticsCase(#"{"a": {"$exists": true}}"#, #"{"a": []}"#, true),
        // $size
        SemanticsCase(#"{"a": {"$size": 2}}"#, #"{"a": [1, [2, 3]]}"#, true),
        SemanticsCase(#"{"a": {"$size": 2}}"#, #"{"a": [[1, 2]]}"#, false),
        SemanticsCase(#"{"a": {"$size": 0}}"#, #"{"a": []}"#, true),
        SemanticsCase(#"{"a": {"$size": 1}}"#, #"{"a": "x"}"#, false),
        SemanticsCase(#"{"a": {"$size": 0}}"#, #"{}"#, false),
        SemanticsCase(#"{"a.b": {"$size": 1}}"#, #"{"a": [{"b": [1]}, {"b": 2}]}"#, true),
        // $all
        SemanticsCase(#"{"tags": {"$all": ["a", "b"]}}"#, #"{"tags": ["b", "c", "a"]}"#, true),
        SemanticsCase(#"{"tags": {"$all": ["a", "b"]}}"#, #"{"tags": ["a"]}"#, false),
        SemanticsCase(#"{"tags": {"$all": ["a"]}}"#, #"{"tags": "a"}"#, true),
        SemanticsCase(#"{"tags": {"$all": []}}"#, #"{"tags": []}"#, false),
        SemanticsCase(#"{"tags": {"$all": [["a", "b"]]}}"#, #"{"tags": ["a", "b"]}"#, true),
        SemanticsCase(#"{"lines": {"$all": [{"$elemMatch": {"sku": "A"}}, {"$elemMatch": {"qty": {"$gt": 2}}}]}}"#,
                      #"{"lines": [{"sku": "A", "qty": 1}, {"sku": "B", "qty": 3}]}"#, true),
        SemanticsCase(#"{"lines": {"$all": [{"$elemMatch": {"sku": "A", "qty": {"$gt": 2}}}]}}"#,
                      #"{"lines": [{"sku": "A", "qty": 1}, {"sku": "B", "qty": 3}]}"#, false),
        // $elemMatch
        SemanticsCase(#"{"a": {"$elemMatch": {"$gt": 1}}}"#, #"{"a": 5}"#, false),
        SemanticsCase(#"{"a": {"$elemMatch": {"$gt": 1}}}"#, #"{"a": [[5]]}"#, false),
        SemanticsCase(#"{"a": {"$elemMatch": {"$elemMatch": {"$gt": 1}}}}"#, #"{"a": [[0, 5]]}"#, true),
        SemanticsCase(#"{"a": {"$elemMatch": {"$eq": null}}}"#, #"{"a": [1, null]}"#, true),
        SemanticsCase(#"{"a": {"$elemMatch": {"$ne": null}}}"#, #"{"a": [[]]}"#, true),
        SemanticsCase(#"{"a": {"$elemMatch": {"$exists": true}}}"#, #"{"a": []}"#, false),
        SemanticsCase(#"{"a": {"$elemMatch": {}}}"#, #"{"a": [1, {"x": 1}]}"#, true),
        SemanticsCase(#"{"a": {"$elemMatch": {}}}"#, #"{"a": [1, 2]}"#, false),
        SemanticsCase(#"{"lines": {"$elemMatch": {"sku": "A", "qty": {"$gte": 2}}}}"#, #"{"lines": [{"sku": "A", "qty": 1}, {"sku": "B", "qty": 2}]}"#, false),
        SemanticsCase(#"{"lines": {"$elemMatch": {"sku": "A", "qty": {"$gte": 2}}}}"#, #"{"lines": [{"sku": "B", "qty": 1}, {"sku": "A", "qty": 2}]}"#, true),
        SemanticsCase(#"{"a": {"$elemMatch": {"$or": [{"b": 1}, {"c": 1}]}}}"#, #"{"a": [{"c": 1}]}"#, true),
        SemanticsCase(#"{"a": {"$elemMatch": {"$not": {"$gt": 5}}}}"#, #"{"a": [7, "x"]}"#, true),
        SemanticsCase(#"{"a": {"$elemMatch": {"0": 1}}}"#, #"{"a": [[1, 2]]}"#, true),
        // dotted paths and implicit traversal
        SemanticsCase(#"{"lines.sku": "A"}"#, #"{"lines": [{"sku": "B"}, {"sku": "A"}]}"#, true),
        SemanticsCase(#"{"lines.sku": "A"}"#, #"{"lines": [[{"sku": "A"}]]}"#, false),
        SemanticsCase(#"{"lines.sku": "A"}"#, #"{"lines": [{"sku": ["B", "A"]}]}"#, true),
        SemanticsCase(#"{"a.b.c": 1}"#, #"{"a": [{"b": [{"c": 1}]}]}"#, true),
        SemanticsCase(#"{"a.0": 5}"#, #"{"a": [5, 6]}"#, true),
        SemanticsCase(#"{"a.1": 5}"#, #"{"a": [5, 6]}"#, false),
        SemanticsCase(#"{"a.0": 5}"#, #"{"a": [{"0": 5}]}"#, true),
        SemanticsCase(#"{"a.0.b": 1}"#, #"{"a": [{"b": 1}]}"#, true),
        SemanticsCase(#"{"a.0": 5}"#, #"{"a": {"0": 5}}"#, true),
        // A leading zero never indexes an array (MongoDB compares the segment with the key text "1").
        SemanticsCase(#"{"a.01": 6}"#, #"{"a": [5, 6]}"#, false),
        SemanticsCase(#"{"a.00": 5}"#, #"{"a": [5, 6]}"#, false),
        SemanticsCase(#"{"a.01": 6}"#, #"{"a": {"01": 6}}"#, true),
        SemanticsCase(#"{"a.01": 6}"#, #"{"a": [{"01": 6}]}"#, true),
        SemanticsCase(#"{"customer.tier": "gold"}"#, #"{"customer": {"tier": "gold"}}"#, true),
        // $not: not the same as the inverted operator
        SemanticsCase(#"{"a": {"$not": {"$gt": 5}}}"#, #"{}"#, true),
        SemanticsCase(#"{"a": {"$lte": 5}}"#, #"{}"#, false),
        SemanticsCase(#"{"a": {"$not": {"$gt": 5}}}"#, #"{"a": "x"}"#, true),
        SemanticsCase(#"{"a": {"$not": {"$gt": 5}}}"#, #"{"a": [1, 7]}"#, false),
        SemanticsCase(#"{"a": {"$lte": 5}}"#, #"{"a": [1, 7]}"#, true),
        SemanticsCase(#"{"a": {"$not": {"$gt": 1, "$lt": 5}}}"#, #"{"a": [0, 10]}"#, false),
        SemanticsCase(#"{"a": {"$not": {"$gt": 1, "$lt": 5}}}"#, #"{"a": 10}"#, true),
        SemanticsCase(#"{"a": {"$not": {"$size": 1}}}"#, #"{"a": 3}"#, true),
        // logical
        SemanticsCase(#"{"$and": [{"a": 1}, {"b": 2}]}"#, #"{"a": 1, "b": 2}"#, true),
        SemanticsCase(#"{"$or": [{"a": 1}, {"b": 2}]}"#, #"{"b": 2}"#, true),
        SemanticsCase(#"{"$nor": [{"a": 1}, {"b": 2}]}"#, #"{"b": 3}"#, true),
        SemanticsCase(#"{"$nor": [{"a": {"$gt": 1}}]}"#, #"{"a": "str"}"#, true),
        SemanticsCase(#"{"$not": {"a": 1}}"#, #"{"a": 2}"#, true),
        SemanticsCase(#"{}"#, #"{"a": 2}"#, true),
        // DATETIME compares instants of RFC 3339 strings
        SemanticsCase(#"{"at": {"$gte": {"value": "2024-11-29T00:00:00Z", "type": "DATETIME"}}}"#, #"{"at": "2024-11-29T01:30:00+01:00"}"#, true),
        SemanticsCase(#"{"at": {"$gt": {"value": "2024-11-29T00:00:00Z", "type": "DATETIME"}}}"#, #"{"at": "2024-11-29T00:30:00+01:00"}"#, false),
        SemanticsCase(#"{"at": {"$gt": {"value": "2024-11-29T00:00:00Z", "type": "DATETIME"}}}"#, #"{"at": "tomorrow"}"#, false),
        SemanticsCase(#"{"at": {"$eq": {"value": "2024-11-29T00:00:00.5Z", "type": "DATETIME"}}}"#, #"{"at": "2024-11-29T00:00:00.500Z"}"#, true),
        // typed literals
        SemanticsCase(#"{"flag": {"value": "true", "type": "BOOLEAN"}}"#, #"{"flag": true}"#, true),
        SemanticsCase(#"{"n": {"$lt": {"value": "10", "type": "INTEGER"}}}"#, #"{"n": 9.99}"#, true),
        // strings compare byte-wise
        SemanticsCase(#"{"s": "\u00e9"}"#, #"{"s": "e\u0301"}"#, false),
        SemanticsCase(#"{"s": {"$in": ["\u00e9"]}}"#, #"{"s": "e\u0301"}"#, false),
    ])
    func operatorSemantics(_ c: SemanticsCase) throws {
        try check(c)
    }

    @Test func decimalComparisonsAreExact() throws {
        // 0.1 + 0.2 != 0.3 in binary floating point; here literals and values stay decimal.
        let condition = try Condition(parsing: json(#"{"total": {"$eq": {"value": "0.3", "type": "DECIMAL"}}}"#)).compile()
        #expect(condition.matches(json(#"{"total": 0.3}"#)))
        #expect(!condition.matches(json(#"{"total": 0.30000000000000004}"#)))
        let big = try Condition(parsing: json(#"{"total": {"$gt": 9007199254740992}}"#)).compile()
        #expect(big.matches(json(#"{"total": 9007199254740993}"#)))
    }
}
