import Foundation
import Testing
@testable import Rules

@Suite struct PreparedDocumentTests {
    let cart = json(#"""
        {"currency": "EUR", "at": "2024-11-29T10:15:00+01:00", "customer": {"tier": "gold", "tags": ["a", "b"]},
         "lines": [{"sku": "A", "quantity": 2, "unitPrice": 9.99, "attributes": {"size": "L"}},
                   {"sku": "B", "quantity": 1, "unitPrice": 49.50, "attributes": {"size": "S"}},
                   {"sku": "C", "quantity": 3, "unitPrice": 0.5, "tags": [[1, 2], {"x": 1}]}],
         "note": null, "flags": [true, false], "empty": {}, "é": 1}
        """#)

    @Test func navigationAndMaterialisation() throws {
        let document = PreparedDocument(cart)
        #expect(document.value(of: document.root) == cart)
        let lines = try #require(document.member("lines", of: document.root))
        #expect(document.elements(of: lines).count == 3)
        #expect(document.elements(of: document.root).isEmpty)
        let second = document.elements(of: lines)[1]
        #expect(document.value(of: second) == cart["lines"].flatMap { if case .array(let a) = $0 { a[1] } else { nil } })
        #expect(document.member("sku", of: second).map(document.value(of:)) == "B")
        #expect(document.member("nope", of: second) == nil)
        #expect(document.member("sku", of: lines) == nil)
        // Canonically equivalent keys are the same key (as in `[String: JSONValue]`).
        #expect(document.member("e\u{301}", of: document.root) != nil)
        #expect(PreparedDocument(.string("x")).value(of: PreparedDocument(.string("x")).root) == "x")
        #expect(PreparedDocument([]).value(of: PreparedDocument([]).root) == [])
    }

    /// Objects above `PreparedBuilder.insertionSortLimit` members take the other sort path; two
    /// objects with the same keys (the second in another iteration order, as in the review's
    /// quadratic case) both find every member and materialise back unchanged.
    @Test func largeObjectsWithSharedKeys() throws {
        let count = PreparedBuilder.insertionSortLimit * 40
        let first = JSONValue.object(Dictionary(uniqueKeysWithValues: (0..<count).map { ("k\($0)", JSONValue.string("a\($0)")) }))
        let second = JSONValue.object(Dictionary(uniqueKeysWithValues: (0..<count).reversed().map { ("k\($0)", JSONValue.string("b\($0)")) }))
        let small = JSONValue.object(["z": 1, "y": 2, "x": 3])
        let root = JSONValue.object(["first": first, "second": second, "small": small])
        let document = PreparedDocument(root)
        #expect(document.value(of: document.root) == root)
        for (name, prefix) in [("first", "a"), ("second", "b")] {
            let object = try #require(document.member(name, of: document.root))
            for index in stride(from: 0, to: count, by: 7) {
                #expect(document.member("k\(index)", of: object).map(document.value(of:)) == .string("\(prefix)\(index)"))
            }
            #expect(document.member("k\(count)", of: object) == nil)
        }
    }

    @Test func lineConditionsOnPreparedElements() throws {
        let target = try Condition(parsing: json(#"{"quantity": {"$gte": 2}, "attributes.size": {"$ne": "S"}}"#)).compile()
        let document = PreparedDocument(cart)
        let lines = document.elements(of: document.member("lines", of: document.root)!)
        #expect(lines.map { target.matches(document, at: $0) } == [true, false, true])
        let explanation = target.explain(document, at: lines[1])
        #expect(!explanation.matched)
        #expect(explanation.failures.map(\.field).sorted() == ["attributes.size", "quantity"])
        #expect(explanation.failures.first { $0.field == "quantity" }?.found == 1)
    }

    @Test func explanationsMatchTheJSONValuePath() throws {
        let conditions = [
            #"{"customer.tier": {"$in": ["silver", "platinum"]}, "lines.sku": "Z", "lines.unitPrice": {"$gt": 100}}"#,
            #"{"$or": [{"currency": "USD"}, {"lines.attributes.size": "XL"}], "note": {"$exists": false}}"#,
            #"{"customer.tags": {"$size": 3}, "lines": {"$elemMatch": {"sku": "A", "quantity": 1}}, "flags": {"$all": [true, 1]}}"#,
            #"{"at": {"$lt": {"value": "2024-11-29T09:00:00Z", "type": "DATETIME"}}, "lines.tags": [1, 2], "empty": {"a": 1}}"#,
        ]
        for text in conditions {
            let compiled = try Condition(parsing: json(text), basePath: "/trigger").compile()
            let explanation = compiled.explain(PreparedDocument(cart))
            #expect(!explanation.matched)
            #expect(explanation == compiled.explain(cart), "\(text)")
        }
    }

    @Test func typedValues() throws {
        let cases: [(String, Bool)] = [
            (#"{"at": {"$gte": {"value": "2024-11-29T09:15:00Z", "type": "DATETIME"}}}"#, true),
            (#"{"at": {"$gt": {"value": "2024-11-29T09:15:00Z", "type": "DATETIME"}}}"#, false),
            (#"{"at": {"value": "2024-11-29T09:15:00.000Z", "type": "DATETIME"}}"#, true),
            (#"{"at": {"$in": [{"value": "2024-11-29T09:15:00Z", "type": "DATETIME"}, 3]}}"#, true),
            (#"{"currency": {"$gt": {"value": "2024-01-01T00:00:00Z", "type": "DATETIME"}}}"#, false),
            (#"{"lines.unitPrice": {"$lt": 0.50}}"#, false),
            (#"{"lines.unitPrice": {"$lte": 0.50}}"#, true),
            (#"{"lines.unitPrice": {"$in": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 49.5]}}"#, true),
            (#"{"lines.unitPrice": {"$nin": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 49.5]}}"#, false),
            (#"{"lines.sku": {"$in": ["Q", "R", "S", "T", "U", "V", "W", "X", "Y", "C"]}}"#, true),
            (#"{"lines.sku": {"$in": ["Q", "R", "S", "T", "U", "V", "W", "X", "Y", "c"]}}"#, false),
            (#"{"lines.sku": {"$gt": "B"}}"#, true),
            (#"{"lines.sku": {"$gt": "C"}}"#, false),
            (#"{"flags": {"$gt": false}}"#, true),
            (#"{"flags": {"$lt": false}}"#, false),
            (#"{"customer.tags": ["a", "b"]}"#, true),
            (#"{"customer.tags": {"$in": [["a", "b"], "z"]}}"#, true),
            (#"{"lines.tags": {"x": 1}}"#, true),
            (#"{"lines.attributes": {"size": "S"}}"#, true),
            (#"{"empty": {}}"#, true),
            (#"{"note": null, "missing": null, "lines.attributes.size": null}"#, true),
            (#"{"$and": [{"é": 1}, {"e\u0301": 1}]}"#, true),
            (#"{"lines.1.sku": "B", "lines.5.sku": {"$exists": false}}"#, true),
        ]
        let early = PreparedDocument(cart)
        for (text, expected) in cases {
            let condition = try Condition(parsing: json(text))
            #expect(condition.evaluate(cart) == expected, "\(text)")
            #expect(condition.compile().matches(cart) == expected, "\(text)")
            #expect(condition.compile().matches(PreparedDocument(cart)) == expected, "\(text)")
            #expect(condition.compile().matches(early) == expected, "\(text)")
        }
    }

    /// A document prepared before a condition introduced new field names still evaluates
    /// correctly (keys resolved by name); one prepared afterwards uses the interned ids.
    @Test func keysInternedAfterPreparation() throws {
        let unique = "late\(UInt64.random(in: 0...UInt64.max))"
        let document: JSONValue = .object([unique: ["inner": .string("v"), "n": 3], "other": 1])
        let early = PreparedDocument(document)
        let compiled = try Condition(parsing: .object(["\(unique).inner": "v", "\(unique).n": ["$gt": 2]])).compile()
        #expect(compiled.matches(early))
        #expect(compiled.matches(PreparedDocument(document)))
        let miss = try Condition(parsing: .object(["\(unique).absent": ["$exists": true]])).compile()
        #expect(!miss.matches(early))
        #expect(!miss.matches(PreparedDocument(document)))
        #expect(early.member(unique, of: early.root) != nil)
    }

    /// Preparation, compilation (which interns new keys) and evaluation from many tasks at once.
    @Test func concurrentPreparationCompilationAndEvaluation() async throws {
        let cart = self.cart
        let shared = PreparedDocument(cart)
        let fixed = try Condition(parsing: json(#"{"lines.sku": {"$in": ["A", "Z"]}, "customer.tier": "gold"}"#)).compile()
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for round in 0..<200 {
                        let key = "concurrent\(task)_\(round % 20)"
                        let document: JSONValue = .object([key: .int(round), "lines": cart["lines"]!])
                        let compiled = try Condition(parsing: .object([key: ["$gte": 0], "lines.quantity": 3])).compile()
                        let prepared = PreparedDocument(document)
                        guard compiled.matches(prepared), compiled.matches(document),
                              fixed.matches(shared), !fixed.matches(prepared) else { return false }
                    }
                    return true
                }
            }
            for try await ok in group { #expect(ok) }
        }
    }

    /// The benchmark's cart and 20-leaf conditions: prepared evaluation allocates nothing and
    /// agrees with the other paths (the allocation count itself is checked by RulesBenchmark).
    @Test func largeCartAgreesAcrossPaths() throws {
        var items: [JSONValue] = []
        for i in 0..<100 {
            items.append(["sku": .string(String(130_000_000 + i * 7)), "quantity": .int(1 + i % 3),
                          "category": .string(["grocery", "toys", "beauty"][i % 3]), "tags": ["x", .int(i)]])
        }
        let document: JSONValue = ["lines": .array(items), "customer": ["tier": "gold"]]
        let conditions = [
            #"{"lines.sku": {"$in": ["130000637", "1", "2", "3", "4", "5", "6", "7", "8"]}, "lines.tags": 99}"#,
            #"{"lines": {"$elemMatch": {"category": "beauty", "quantity": {"$gte": 3}}}, "lines.category": {"$ne": "evil"}}"#,
            #"{"lines.tags": {"$size": 2}, "lines.tags.1": 5, "lines.99.sku": "130000693"}"#,
        ]
        let prepared = PreparedDocument(document)
        for text in conditions {
            let condition = try Condition(parsing: json(text))
            let compiled = condition.compile()
            #expect(compiled.matches(PreparedDocument(document)) == condition.evaluate(document), "\(text)")
            #expect(compiled.matches(prepared) == compiled.matches(document), "\(text)")
        }
    }
}
