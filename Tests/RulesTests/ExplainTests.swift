import Testing
@testable import Rules

@Suite struct ExplainTests {
    @Test func reportsFailedLeavesWithFoundValues() throws {
        let condition = try Condition(parsing: json(#"""
            {"customer.tier": {"$in": ["gold", "platinum"]}, "subtotal": {"$gte": {"value": "50.00", "type": "DECIMAL"}},
             "lines.sku": "A", "channel": "web"}
            """#), basePath: "/trigger").compile()
        let cart = json(#"{"customer": {"tier": "silver"}, "subtotal": 20.5, "channel": "web", "lines": [{"sku": "B"}, {"sku": "C"}]}"#)
        let explanation = condition.explain(cart)
        #expect(!explanation.matched)
        #expect(!condition.matches(cart))
        let byField = Dictionary(uniqueKeysWithValues: explanation.failures.map { ($0.field, $0) })
        #expect(byField.count == 3)
        #expect(byField["customer.tier"]?.path == "/trigger/customer.tier")
        #expect(byField["customer.tier"]?.operator == "$in")
        #expect(byField["customer.tier"]?.found == "silver")
        #expect(byField["subtotal"]?.expected == 50)
        #expect(byField["subtotal"]?.found == 20.5)
        #expect(byField["lines.sku"]?.found == ["B", "C"])
    }

    @Test func missingFieldsAndNegations() throws {
        let condition = try Condition(parsing: json(#"{"coupon": {"$exists": true}, "total": {"$not": {"$lt": 10}}}"#)).compile()
        let explanation = condition.explain(json(#"{"total": 5}"#))
        #expect(explanation.failures.count == 2)
        let coupon = explanation.failures.first { $0.field == "coupon" }
        #expect(coupon?.found == nil)
        #expect(coupon?.operator == "$exists")
        let total = explanation.failures.first { $0.field == "total" }
        #expect(total?.operator == "$not")
        #expect(total?.expected == ["$lt": 10])
        #expect(total?.path == "/total/$not")
    }

    @Test func matchedHasNoFailures() throws {
        let condition = try Condition(parsing: json(#"{"$or": [{"a": 1}, {"b": 2}]}"#)).compile()
        #expect(condition.explain(json(#"{"b": 2}"#)) == Explanation(matched: true, failures: []))
        #expect(condition.explain(json(#"{"b": 3}"#)).failures.map(\.field) == ["a", "b"])
    }
}
