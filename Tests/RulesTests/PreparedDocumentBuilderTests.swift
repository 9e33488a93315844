import Testing
@testable import Rules

/// `PreparedDocument.Builder` produces the document `PreparedDocument(json)` prepares.
@Suite struct PreparedDocumentBuilderTests {
    /// Writes `value` through the builder API (members in the given, unsorted, order).
    static func write(_ value: JSONValue, into builder: inout PreparedDocument.Builder) {
        switch value {
        case .object(let members):
            builder.beginObject(count: members.count)
            for (key, member) in members.sorted(by: { $0.key > $1.key }) {
                builder.key(key)
                write(member, into: &builder)
            }
            builder.end()
        case .array(let elements):
            builder.beginArray(count: elements.count)
            for element in elements { write(element, into: &builder) }
            builder.end()
        case .string(let text): builder.string(text)
        case .number(let number): builder.number(number)
        case .bool(let flag): builder.bool(flag)
        case .null: builder.null()
        }
    }

    @Test func builderMatchesPreparation() throws {
        let document: JSONValue = [
            "zeta": "2026-11-27T10:00:00Z", "at": "2026-11-27T10:00:00Z", "alpha": 1.5, "lines": [
                ["sku": "A", "quantity": 2, "when": "2025-01-01T00:00:00Z", "tags": ["x", "y"]],
                ["sku": "B", "quantity": 1, "attributes": ["color": "red"], "empty": [:]],
            ], "customer": ["tier": "gold", "loyaltyCard": true, "none": .null],
        ]
        let conditions: [JSONValue] = [
            ["at": ["$gte": ["value": "2026-01-01T00:00:00Z", "type": "DATETIME"]]],
            ["zeta": ["$lt": ["value": "2027-01-01T00:00:00Z", "type": "DATETIME"]], "alpha": ["$gt": 1]],
            ["lines.when": ["$lt": ["value": "2026-01-01T00:00:00Z", "type": "DATETIME"]]],
            ["lines": ["$elemMatch": ["sku": "B", "attributes.color": "red"]]],
            ["lines.tags": "y", "customer.tier": ["$in": ["gold", "silver"]], "customer.none": .null],
            ["customer.loyaltyCard": false],
            ["lines.quantity": ["$gte": 3]],
        ]
        var builder = PreparedDocument.Builder()
        Self.write(document, into: &builder)
        let built = builder.finish()
        let prepared = PreparedDocument(document)
        #expect(built.value(of: built.root) == document)
        #expect(built.nodeCount == prepared.nodeCount)
        for json in conditions {
            let compiled = try Condition(parsing: json).compile()
            #expect(compiled.matches(built) == compiled.matches(document))
            #expect(compiled.matches(built) == compiled.matches(prepared))
            #expect(compiled.explain(built) == compiled.explain(document))
        }
    }
}
