import Foundation
import Rules
import Testing
@testable import Pricing

@Suite struct CartParsingTests {
    static let example = """
    {"currency": "EUR", "channel": "web", "store": "berlin-01", "at": "2026-11-27T10:00:00Z",
     "customer": {"id": 12345, "tier": "gold", "loyaltyCard": true, "attributes": {"city": "Berlin"}},
     "lines": [{"id": "1", "sku": "134174510", "quantity": 2, "unitPrice": "49.99", "category": "shoes", "brand": "acme", "attributes": {"color": "red"}}],
     "coupons": ["BLACKFRIDAY"], "explain": true}
    """

    @Test func parsesTheIssueExample() throws {
        let cart = try Cart(parsing: JSONValue(parsing: Self.example))
        #expect(cart.currency == .eur)
        #expect(cart.at == RuleDateTime(rfc3339: "2026-11-27T10:00:00Z"))
        #expect(cart.customer?.id == "12345")
        #expect(cart.lines.first?.unitPrice.minorUnits == 4999)
        #expect(cart.lines.first?.attributes["color"] == "red")
        #expect(cart.subtotal.decimalString == "99.98")
        #expect(cart.explain)
        // Codable path gives the same value, and the wire document parses back to it.
        let decoded = try JSONDecoder().decode(Cart.self, from: Data(Self.example.utf8))
        #expect(decoded == cart)
        #expect(try Cart(parsing: cart.document) == cart)
    }

    @Test func reportsEveryProblemWithPointers() throws {
        let document = try JSONValue(parsing: """
        {"currency": "EUR", "at": "yesterday", "coupon": ["X"],
         "lines": [
           {"id": "1", "sku": "a", "quantity": 1, "unitPrice": "1.00"},
           {"id": "1", "sku": "b", "quantity": 0, "unitPrice": "2.00"},
           {"id": "3", "sku": "c", "quantity": 1.5, "unitPrice": "2.001"},
           {"id": "4", "sku": "d", "quantity": 1, "unitPrice": 2.5},
           {"id": "5", "quantity": 1, "unitPrice": "-1.00", "name": "Shoe"}
         ]}
        """)
        let issues: [RuleIssue]
        do {
            _ = try Cart(parsing: document)
            Issue.record("expected issues")
            return
        } catch {
            issues = error.issues
        }
        let byPath = Dictionary(issues.map { ($0.path, $0.code) }, uniquingKeysWith: { first, _ in first })
        #expect(byPath["/at"] == "invalid_timestamp")
        #expect(byPath["/coupon"] == "unknown_field")
        #expect(byPath["/lines/1/quantity"] == "out_of_range")
        #expect(byPath["/lines/2/quantity"] == "type_mismatch")
        #expect(byPath["/lines/2/unitPrice"] == "too_precise")
        #expect(byPath["/lines/3/unitPrice"] == nil)  // exact JSON numbers are accepted
        for (number, code) in [("1e25", "too_large"), ("1e-25", "too_precise")] {
            let cart = try JSONValue(parsing: #"{"currency": "EUR", "lines": [{"id": "1", "sku": "a", "quantity": 1, "unitPrice": \#(number)}]}"#)
            #expect(throws: RuleErrors(issues: [RuleIssue(code: code, message: code == "too_large" ? "amount is too large" : "amount has too many fraction digits",
                                                          path: "/lines/0/unitPrice")])) { try Cart(parsing: cart) }
        }
        #expect(byPath["/lines/4/sku"] == "required")
        #expect(byPath["/lines/4/unitPrice"] == "negative_amount")
        #expect(byPath["/lines/4/name"] == "unknown_field")
    }

    /// Integer ids are kept as their digits; one too long for 64 bits was rounded by the parser,
    /// so it is refused rather than matched as another id.
    @Test func integerIdsKeepTheirDigitsOrAreRefused() throws {
        let cart = try Cart(parsing: JSONValue(parsing: """
            {"currency": "EUR", "customer": {"id": 9223372036854775807},
             "lines": [{"id": 1e2, "sku": -42, "quantity": 1, "unitPrice": "1.00"}]}
            """))
        #expect(cart.customer?.id == "9223372036854775807" && cart.lines.first?.id == "100" && cart.lines.first?.sku == "-42")
        let document = try JSONValue(parsing: """
            {"currency": "EUR", "customer": {"id": 12345678901234567890123},
             "lines": [{"id": 12345678901234567890123, "sku": 9223372036854775808, "quantity": 1, "unitPrice": "1.00"}]}
            """)
        do {
            _ = try Cart(parsing: document)
            Issue.record("expected issues")
        } catch {
            #expect(Set(error.issues.map(\.path)) == ["/customer/id", "/lines/0/id", "/lines/0/sku"])
            #expect(error.issues.allSatisfy { $0.code == "type_mismatch" })
        }
    }

    @Test func duplicateLineIdsAndUnknownCurrency() throws {
        let duplicate: JSONValue = ["currency": "EUR", "lines": [
            ["id": "1", "sku": "a", "quantity": 1, "unitPrice": "1.00"],
            ["id": "1", "sku": "b", "quantity": 1, "unitPrice": "1.00"],
        ]]
        #expect(throws: RuleErrors(issues: [RuleIssue(code: "duplicate_line_id", message: "line id \"1\" is used twice", path: "/lines/1/id")])) {
            try Cart(parsing: duplicate)
        }
        // Canonically equivalent but different bytes ("é" composed, "e" + U+0301): two ids, as for conditions.
        let composed: JSONValue = ["id": "\u{e9}", "sku": "a", "quantity": 1, "unitPrice": "1.00"]
        let decomposed: JSONValue = ["id": "e\u{301}", "sku": "b", "quantity": 1, "unitPrice": "1.00"]
        #expect(try Cart(parsing: ["currency": "EUR", "lines": [composed, decomposed]]).lines.count == 2)
        #expect(throws: RuleErrors.self) { try Cart(parsing: ["currency": "EUR", "lines": [composed, decomposed, decomposed]]) }
        let unknown: JSONValue = ["currency": "EURO", "lines": []]
        #expect(throws: RuleErrors.self) { try Cart(parsing: unknown) }
    }

    @Test func largeCartsWork() throws {
        let lines: [JSONValue] = (0..<2_000).map { index in
            ["id": .string("l\(index)"), "sku": .string("sku\(index % 50)"), "quantity": .int(index % 7 + 1), "unitPrice": "9.99"]
        }
        let cart = try Cart(parsing: ["currency": "EUR", "lines": .array(lines)])
        #expect(cart.lines.count == 2_000)
        let tooMany = try? Cart(parsing: ["currency": "EUR", "lines": .array(lines)], limits: CartLimits(maxLines: 1_000, maxQuantity: 10, maxCoupons: 1))
        #expect(tooMany == nil)
    }
}
