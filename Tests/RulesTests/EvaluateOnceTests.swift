import Foundation
import Testing
@testable import Rules

/// `Condition.evaluateOnce` (behind `POST /v1/rules/evaluate`): same answers as a compiled
/// condition, and ad-hoc field names stay out of the process-wide key table (any pricing key
/// could otherwise fill its 65,536 entries for good, by review).
@Suite struct EvaluateOnceTests {
    @Test func sameAnswerWithoutInterningFieldNames() throws {
        let field = "adhoc_\(UUID().uuidString)"
        let condition = try Condition(parsing: json(#"{"\#(field)": {"$gt": 2}, "b": "x"}"#))
        let document = json(#"{"\#(field)": 1, "b": "x"}"#)
        let once = condition.evaluateOnce(document, explain: true)
        #expect(!once.matched && once.failures.map(\.field) == [field])
        #expect(once == condition.compile().explain(document))
        #expect(condition.evaluateOnce(json(#"{"\#(field)": 3, "b": "x"}"#), explain: false).matched)

        let other = "adhoc_\(UUID().uuidString)"
        _ = try Condition(parsing: json(#"{"\#(other)": 1}"#)).evaluateOnce(document, explain: false)
        #expect(KeyInterner.snapshot().ids[other] == nil)
        _ = try Condition(parsing: json(#"{"\#(other)": 1}"#)).compile()
        #expect(KeyInterner.snapshot().ids[other] != nil, "compile() interns: the check above can fail")
    }
}
