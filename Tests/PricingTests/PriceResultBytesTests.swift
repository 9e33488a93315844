import Foundation
import Rules
import Testing
@testable import Pricing

/// `PriceResult.jsonUTF8` (what the server writes) is byte for byte `json.jsonText`.
struct PriceResultBytesTests {
    @Test func equalsJSONTextOnPricedScenarios() throws {
        var rng = SplitMix64(seed: 2024)
        for index in 0..<400 {
            var scenario = PropertyTests.scenario(&rng)
            if index % 2 == 0 { scenario.cart = try scenario.cart.explaining() }
            let result = Fixture.price(scenario.cart, scenario.promotions, coupons: scenario.coupons)
            #expect(result.jsonUTF8 == Array(result.json.jsonText.utf8))
        }
    }

    @Test func equalsJSONTextOnEveryOptionalFieldEscapeAndScale() {
        let currencies = ["EUR", "JPY", "BHD", "CLF"].map { Currency(code: $0)! }
        let amounts: [Int64] = [0, 1, 5, 9, 10, 99, 100, 101, 4671, 1_000_000, -1, -5, -100, -4671, Money.maxMinorUnits, -Money.maxMinorUnits]
        let texts = ["", "plain", "quote\"", "back\\slash", "new\nline", "cr\rtab\t", "\u{01}\u{1f}\u{7f}", "é€😀", "/~", "\u{FEFF}bom"]
        let values: [JSONValue] = [.null, true, false, 0, -3, 49.99, "s\"", ["b": 1, "a": [1, "x", nil], "é": [:], "Z": ["k": false]], []]
        for currency in currencies {
            for (offset, amount) in amounts.enumerated() {
                let money = Money(minorUnits: amount, currency: currency)
                let text = texts[offset % texts.count]
                let value = values[offset % values.count]
                let result = PriceResult(
                    currency: currency, subtotal: money, discount: money, total: money, loyaltyPoints: Int64(amount),
                    lines: [PriceResult.Line(id: text, quantity: Int(amount), unitPrice: money, subtotal: money, discount: money, total: money,
                                             adjustments: [.init(promotion: text, amount: money), .init(promotion: "p", amount: money)]),
                            PriceResult.Line(id: "2", quantity: 1, unitPrice: money, subtotal: money, discount: money, total: money, adjustments: [])],
                    applied: [.init(promotion: text, name: text, discount: money, coupon: offset % 2 == 0 ? text : nil, applications: offset,
                                    loyaltyPoints: offset % 3 == 0 ? Int64(amount) : nil, capped: offset % 4 == 0 ? nil : offset % 4 == 1),
                              .init(promotion: "b", name: "B", discount: money, coupon: nil, applications: 0, loyaltyPoints: nil, capped: nil)],
                    notApplied: offset % 5 == 0 ? nil : [
                        .init(promotion: text, reason: .expired, detail: nil),
                        .init(promotion: "x", reason: NotAppliedReason.allCases[offset % NotAppliedReason.allCases.count],
                              detail: .init(path: text, field: "f.g", operator: "$not $gt", expected: value, found: offset % 2 == 0 ? nil : value)),
                    ],
                    coupons: offset % 3 == 0 ? [] : [.init(code: text, status: CouponStatus.allCases[offset % CouponStatus.allCases.count]),
                                                     .init(code: "B", status: .applied)])
                #expect(result.jsonUTF8 == Array(result.json.jsonText.utf8), "\(String(decoding: result.jsonUTF8, as: UTF8.self))")
            }
        }
    }
}
