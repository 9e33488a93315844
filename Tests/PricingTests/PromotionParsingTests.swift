import Foundation
import Rules
import Testing
@testable import Pricing

@Suite struct PromotionParsingTests {
    static let valid: JSONValue = [
        "id": "bf-10", "name": "Black Friday 10 %", "description": "Everything", "enabled": true,
        "startsAt": "2026-11-27T00:00:00Z", "endsAt": "2026-11-30T00:00:00Z",
        "channels": ["web", "app"], "stores": [], "currency": "EUR",
        "trigger": ["$and": [["customer.tier": ["$in": ["gold", "silver"]]], ["total": ["$gte": 50]]]],
        "coupon": true, "target": ["category": "shoes"],
        "action": ["type": "amountOff", "amount": "10", "per": "cart"],
        "maxDiscount": "25.00", "maxApplications": 1, "priority": 10, "exclusive": false,
        "combinesWith": ["gold-5", "newsletter"], "group": "blackfriday",
    ]

    @Test func parsesAndRoundTrips() throws {
        let promotion = try Promotion(parsing: Self.valid)
        #expect(promotion.id == "bf-10")
        #expect(promotion.action == .amountOff(amount: Fixture.eur("10.00"), per: .cart))
        #expect(promotion.maxDiscount == Fixture.eur("25.00"))
        #expect(try Promotion(parsing: promotion.document) == promotion)
        let data = try JSONEncoder().encode(promotion)
        #expect(try JSONDecoder().decode(Promotion.self, from: data) == promotion)
        #expect(Promotion.validate(Self.valid).isEmpty)
    }

    static let actions: [(JSONValue, PromotionAction)] = [
        (["type": "percentOff", "percent": 10], .percentOff(percent: Percent(10)!)),
        (["type": "percentOff", "percent": "12.5"], .percentOff(percent: Percent(parsing: "12.5")!)),
        (["type": "fixedPrice", "unitPrice": "9.99"], .fixedPrice(unitPrice: Fixture.eur("9.99"))),
        (["type": "buyXGetY", "buy": 2, "get": 1], .buyXGetY(buy: 2, get: 1, percent: .hundred, cheapest: true)),
        (["type": "multiBuy", "quantity": 3, "price": "10.00"], .multiBuy(quantity: 3, price: Fixture.eur("10.00"))),
        (["type": "tieredSpend", "tiers": [["threshold": "50", "percent": 5], ["threshold": "100", "amount": "15"]]],
         .tieredSpend(tiers: [SpendTier(threshold: Fixture.eur("50"), reward: .percent(Percent(5)!)),
                              SpendTier(threshold: Fixture.eur("100"), reward: .amount(Fixture.eur("15")))])),
        (["type": "loyaltyPoints", "multiplier": 2], .loyaltyPoints(.multiplier(PointsRate(parsing: "2")!))),
    ]

    @Test func parsesEveryAction() throws {
        for (action, expected) in Self.actions {
            let promotion = try Promotion(parsing: ["id": "p", "name": "P", "currency": "EUR", "action": action])
            #expect(promotion.action == expected)
            #expect(try Promotion(parsing: promotion.document).action == expected)
        }
    }

    @Test func reportsEveryProblemAtOnce() throws {
        let document: JSONValue = [
            "id": "bad id!", "name": "", "startsAt": "2026-12-01T00:00:00Z", "endsAt": "2026-11-01T00:00:00Z",
            "trigger": ["$and": [["customer.tier": "gold"], ["total": ["$gtt": 5]]]],
            "target": ["category": ["$in": "shoes"]],
            "action": ["type": "percentOff", "percent": 150, "extra": true],
            "maxDiscount": "-5", "priority": "high", "combinesWith": ["ok", ""], "colour": "red",
        ]
        let issues = Promotion.validate(document)
        let paths = Set(issues.map(\.path))
        #expect(paths.contains("/id"))
        #expect(paths.contains("/name"))
        #expect(paths.contains("/endsAt"))
        #expect(paths.contains { $0.hasPrefix("/trigger/$and/1/total") })
        #expect(paths.contains { $0.hasPrefix("/target/category") })
        #expect(paths.contains("/action/percent"))
        #expect(paths.contains("/action/extra"))
        #expect(paths.contains("/maxDiscount"))
        #expect(paths.contains("/currency"))  // absolute maxDiscount without currency
        #expect(paths.contains("/priority"))
        #expect(paths.contains("/combinesWith/1"))
        #expect(paths.contains("/colour"))
        #expect(issues.first { $0.path == "/action/percent" }?.code == "out_of_range")
        #expect(issues.first { $0.path == "/endsAt" }?.code == "ends_before_start")
    }

    @Test func actionProblems() {
        func issues(_ action: JSONValue, currency: JSONValue = "EUR") -> [String: String] {
            Dictionary(Promotion.validate(["id": "p", "name": "P", "currency": currency, "action": action]).map { ($0.path, $0.code) },
                       uniquingKeysWith: { first, _ in first })
        }
        #expect(issues(["type": "halfOff"])["/action/type"] == "unknown_action")
        #expect(issues(["type": "amountOff", "amount": "-1.00", "per": "cart"])["/action/amount"] == "negative_amount")
        #expect(issues(["type": "amountOff", "amount": "1.00", "per": "basket"])["/action/per"] == "invalid_value")
        #expect(issues(["type": "amountOff", "amount": "1.001", "per": "cart"])["/action/amount"] == "too_precise")
        #expect(issues(["type": "amountOff", "amount": "1", "per": "cart"], currency: .null)["/currency"] == "required")
        #expect(issues(["type": "amountOff", "amount": "1", "per": "cart"], currency: "EURO")["/currency"] == "unknown_currency")
        #expect(issues(["type": "percentOff", "percent": -1])["/action/percent"] == "out_of_range")
        #expect(issues(["type": "percentOff", "percent": "12.34567"])["/action/percent"] == "too_precise")
        #expect(issues(["type": "percentOff"])["/action/percent"] == "required")
        #expect(issues(["type": "buyXGetY", "buy": 0, "get": 1])["/action/buy"] == "out_of_range")
        #expect(issues(["type": "tieredSpend", "tiers": []])["/action/tiers"] == "empty")
        #expect(issues(["type": "tieredSpend", "tiers": [["threshold": "5", "percent": 5, "amount": "1"]]])["/action/tiers/0/amount"] == "conflict")
        #expect(issues(["type": "tieredSpend", "tiers": [["threshold": "5", "percent": 5], ["threshold": "5.00", "percent": 6]]])["/action/tiers/1/threshold"] == "duplicate_threshold")
        #expect(issues(["type": "loyaltyPoints"])["/action"] == "required")
        #expect(issues("percentOff")["/action"] == "type_mismatch")
    }

    @Test func generatedIDAndVersion() throws {
        let promotion = try Promotion(parsing: ["name": "P", "action": ["type": "percentOff", "percent": 5]], generatedID: "gen-1")
        #expect(promotion.id == "gen-1")
        #expect(promotion.version == 0)
        #expect(Promotion.validate(["name": "P", "action": ["type": "percentOff", "percent": 5], "version": -1]).map(\.path) == ["/version"])
    }
}
