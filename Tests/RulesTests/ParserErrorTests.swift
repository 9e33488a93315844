import Testing
import Foundation
@testable import Rules

@Suite struct ParserErrorTests {
    func issues(_ text: String, basePath: String = "", limits: RuleLimits = .default) -> [RuleIssue] {
        do {
            _ = try Condition(parsing: json(text), basePath: basePath, limits: limits)
            return []
        } catch {
            return error.issues
        }
    }

    @Test func reportsEveryProblemWithPointers() {
        let found = issues(#"{"$and": [{"a": 1}, {"total": {"$gtt": 5}}], "b": {"$in": 3}, "c": {"$size": -1}}"#, basePath: "/trigger")
        #expect(found.map(\.description) == [
            #"unknown operator "$gtt" at /trigger/$and/1/total"#,
            "$in expects an array at /trigger/b/$in",
            "$size expects a non-negative integer at /trigger/c/$size",
        ])
        #expect(found.first?.code == "unknown_operator")
    }

    @Test func typedLiteralMismatches() {
        let found = issues(#"{"a": {"$gt": {"value": "abc", "type": "DECIMAL"}}, "b": {"$in": {"values": ["1", "x"], "type": "INTEGER"}}, "c": {"value": 1, "type": "FLOAT"}, "d": {"value": "2024-13-01T00:00:00Z", "type": "DATETIME"}}"#)
        #expect(found.map(\.code) == ["type_mismatch", "type_mismatch", "invalid_argument", "type_mismatch"])
        #expect(found.map(\.path) == ["/a/$gt/value", "/b/$in/values/1", "/c/type", "/d/value"])
        #expect(found[0].message == #""abc" is not a valid DECIMAL"#)
    }

    /// Found by review: a typed non-number in `$size` was rejected with no issue at all, and a
    /// STRING literal from a JSON number silently changed (`1.50` → "1.5", 23 digits rounded).
    @Test func typedLiteralsInSizeAndStringsFromNumbers() throws {
        let size = issues(#"{"a": {"$size": {"value": "x", "type": "STRING"}}}"#)
        #expect(size.map(\.path) == ["/a/$size"] && size.first?.code == "invalid_argument")
        let strings = issues(#"{"a": {"value": 1.50, "type": "STRING"}, "b": {"value": 12345678901234567890123, "type": "STRING"}}"#)
        #expect(strings.map(\.path) == ["/a/value", "/b/value"] && strings.allSatisfy { $0.code == "type_mismatch" })
        // An integer id sent as a number is still its exact text.
        let id = try Condition(parsing: json(#"{"sku": {"$in": {"values": [134174510], "type": "STRING"}}}"#)).compile()
        #expect(id.matches(json(#"{"sku": "134174510"}"#)))
    }

    @Test func structuralErrors() {
        #expect(issues(#"[1]"#).first?.code == "invalid_condition")
        #expect(issues(#"{"$or": []}"#).first?.message == "$or expects a non-empty array of conditions")
        #expect(issues(#"{"a": {"$gt": 1, "b": 2}}"#).first?.message == "cannot mix operators and fields in one object")
        #expect(issues(#"{"a..b": 1}"#).first?.code == "invalid_field")
        #expect(issues(#"{"a": {"$regex": "x"}}"#).first?.code == "unsupported_operator")
        #expect(issues(#"{"a": {"$gt": [1]}}"#).first?.code == "invalid_argument")
        #expect(issues(#"{"a": {"$not": 5}}"#).first?.code == "invalid_argument")
        #expect(issues(#"{"a": {"$between": [1]}}"#).first?.code == "invalid_argument")
        #expect(issues(#"{"a": {"$in": [{"$gt": 1}]}}"#).first?.code == "invalid_argument")
        #expect(issues(#"{"$where": "1"}"#).first?.code == "unsupported_operator")
    }

    @Test func limits() {
        let small = RuleLimits(maxDepth: 3, maxNodes: 10, maxStringLength: 5, maxArrayLength: 3)
        #expect(issues(#"{"a": {"$in": [1, 2, 3, 4]}}"#, limits: small).first?.message == "array longer than 3 elements")
        #expect(issues(#"{"a": "abcdefg"}"#, limits: small).first?.message == "string longer than 5 bytes")
        #expect(issues(#"{"$and": [{"$and": [{"a": 1}]}]}"#, limits: small).first?.message == "nesting deeper than 3")
        #expect(issues(#"{"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7, "h": 8, "i": 9, "j": 10}"#, limits: small).first?.code == "limit_exceeded")
        // Deeply nested input: an error, not a stack overflow.
        let deep = String(repeating: #"{"$not":"#, count: 5_000) + "{}" + String(repeating: "}", count: 5_000)
        #expect(throws: RuleErrors.self) { try Condition(parsing: Data(deep.utf8)) }
    }

    /// List elements get their pointer only when they have something to report (built lazily
    /// since a 10,000-element `$in` spent most of its parse on pointers): the pointers stay exact.
    @Test func issuesInsideListsNameTheElement() {
        let small = RuleLimits(maxDepth: 5, maxNodes: 100, maxStringLength: 5, maxArrayLength: 10)
        #expect(issues(#"{"a": {"$in": ["ok", "abcdefg"]}}"#, basePath: "/trigger", limits: small).map(\.path) == ["/trigger/a/$in/1"])
        #expect(issues(#"{"a": {"$in": [1, 2, 1e400, 3, 1e-400]}}"#).map(\.path) == ["/a/$in/2", "/a/$in/4"])
        #expect(issues(#"{"a": {"$in": [1, 1e400]}}"#).first?.code == "out_of_range")
        #expect(issues(#"{"a": {"$in": ["x", {"value": "1", "type": "NOPE"}]}}"#).map(\.path) == ["/a/$in/1/type"])
        #expect(issues(#"{"a": {"$in": [1, {"$gt": 1}]}}"#).map(\.path) == ["/a/$in/1"])
        #expect(issues(#"{"a": {"$in": [1, "two", null, true, 2.5]}}"#).isEmpty)
    }

    @Test func invalidJSONText() {
        #expect(throws: RuleErrors.self) { try Condition(parsing: Data(#"{"a": }"#.utf8), basePath: "/trigger") }
        let duplicate = #expect(throws: RuleErrors.self) { try Condition(parsing: Data(#"{"a": 1, "a": 2}"#.utf8)) }
        #expect(duplicate?.issues.first?.code == "invalid_json")
    }
}
