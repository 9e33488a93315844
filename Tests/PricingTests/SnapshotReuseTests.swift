import Foundation
@testable import Rules
import Testing
@testable import Pricing

/// A snapshot built on the previous one (reusing its compiled conditions), or the same
/// promotions over other coupons, must price exactly like a snapshot built from scratch.
@Suite struct SnapshotReuseTests {
    static func price(_ cart: Cart, _ snapshot: PromotionSnapshot) -> Data {
        IndexDifferentialTests.encode(PricingEngine.price(cart: cart, snapshot: snapshot, now: Fixture.now))
    }

    /// Random promotion sets, then each promotion kept, dropped, or replaced by one of the same
    /// id with other conditions (as an update does).
    @Test(arguments: [UInt64(11), 12, 13])
    func aSnapshotBuiltOnAnotherPricesLikeAFreshOne(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        var reusedConditions = 0
        for _ in 0..<20 {
            let size = 20 + Int(rng.next() % 80)
            let (before, coupons, _) = IndexDifferentialTests.scenario(&rng, promotionCount: size)
            let (replacements, _, carts) = IndexDifferentialTests.scenario(&rng, promotionCount: size)
            var after: [Promotion] = []
            for (old, new) in zip(before, replacements) {
                switch rng.next() % 5 {
                case 0: after.append(new)
                case 1: break
                case 2: after.append(Self.rewritten(old))
                default: after.append(old)
                }
            }
            let previous = PromotionSnapshot(promotions: before, coupons: coupons)
            // The catalog's way: the table holds definitions, the shared availability who ran out.
            let reused = PromotionSnapshot(promotions: after, couponTable: CouponTable(coupons), availability: previous.availability, reusing: previous)
            let fresh = PromotionSnapshot(promotions: after, coupons: coupons)
            for cart in carts {
                let explained = try cart.explaining()
                #expect(Self.price(explained, reused) == Self.price(explained, fresh))
            }
            let shared = reused.conditionCache.triggers.filter { key, entry in
                previous.conditionCache.triggers[key].map { $0.compiled.prepared === entry.compiled.prepared } ?? false
            }
            reusedConditions += shared.count
        }
        #expect(reusedConditions > 20, "the scenarios did reuse compiled conditions")
    }

    /// The same promotion with its conditions written inside `{"$and": [...]}`: the same
    /// canonical JSON, other field pointers (what explanations report).
    static func rewritten(_ promotion: Promotion) -> Promotion {
        guard case .object(var members) = promotion.document else { return promotion }
        for name in ["trigger", "target"] {
            if let condition = members[name] { members[name] = ["$and": [condition]] }
        }
        return (try? Promotion(parsing: .object(members))) ?? promotion
    }

    /// A condition rewritten without changing its canonical JSON explains with its own
    /// pointers (found by review: the reused compiled condition reported the old ones).
    @Test func aRewrittenConditionExplainsWithItsOwnPointers() throws {
        let plain = try Promotion(parsing: ["id": "p", "name": "P", "trigger": ["subtotal": ["$gte": 500]],
                                            "action": ["type": "percentOff", "percent": "10"]])
        let wrapped = Self.rewritten(plain)
        #expect(wrapped.trigger?.json == plain.trigger?.json, "the test needs equal canonical JSON")
        let previous = PromotionSnapshot(promotions: [plain])
        let reused = PromotionSnapshot(promotions: [wrapped], couponTable: CouponTable([]), reusing: previous)
        let cart = try Cart(currency: .eur, lines: [Cart.Line(id: "1", sku: "A", quantity: 1, unitPrice: Money(minorUnits: 1000, currency: .eur))],
                            explain: true)
        let result = PricingEngine.price(cart: cart, snapshot: reused, now: Fixture.now)
        #expect(result.notApplied?.first?.detail?.path == "/trigger/$and/0/subtotal")
        #expect(Self.price(cart, reused) == Self.price(cart, PromotionSnapshot(promotions: [wrapped])))
    }

    /// Two promotions whose triggers normalise alike but are written differently each explain
    /// with their own pointers (found by review: they shared one compiled trigger).
    @Test func promotionsWithTriggersWrittenDifferentlyExplainApart() throws {
        let plain = try Promotion(parsing: ["id": "a", "name": "A", "trigger": ["subtotal": ["$gte": 500]],
                                            "action": ["type": "percentOff", "percent": "10"]])
        let wrapped = try Promotion(parsing: ["id": "b", "name": "B", "trigger": ["$and": [["subtotal": ["$gte": 500]]]],
                                              "action": ["type": "percentOff", "percent": "10"]])
        #expect(wrapped.trigger?.json == plain.trigger?.json, "the test needs equal canonical JSON")
        let cart = try Cart(currency: .eur, lines: [Cart.Line(id: "1", sku: "A", quantity: 1, unitPrice: Money(minorUnits: 1000, currency: .eur))],
                            explain: true)
        let result = PricingEngine.price(cart: cart, snapshot: PromotionSnapshot(promotions: [plain, wrapped]), now: Fixture.now)
        let paths = Dictionary(uniqueKeysWithValues: (result.notApplied ?? []).map { ($0.promotion, $0.detail?.path) })
        #expect(paths == ["a": "/trigger/subtotal", "b": "/trigger/$and/0/subtotal"])
    }

    /// Conditions compare strings byte-wise: "K" and the Kelvin sign are canonically equivalent
    /// (Swift's `==`) but different conditions, so one is never reused for the other.
    @Test func aConditionDifferingOnlyInUnicodeFormIsCompiledAgain() throws {
        func promotion(_ sku: String) throws -> Promotion {
            try Promotion(parsing: ["id": "p", "name": "P", "trigger": ["lines.sku": .string(sku)], "target": ["sku": .string(sku)],
                                    "action": ["type": "percentOff", "percent": "10"]])
        }
        let previous = PromotionSnapshot(promotions: [try promotion("K")])
        let next = PromotionSnapshot(promotions: [try promotion("\u{212A}")], couponTable: CouponTable([]), reusing: previous)
        func cart(_ sku: String) throws -> Cart {
            try Cart(currency: .eur, lines: [Cart.Line(id: "1", sku: sku, quantity: 1, unitPrice: Money(minorUnits: 1000, currency: .eur))])
        }
        #expect(PricingEngine.price(cart: try cart("\u{212A}"), snapshot: next, now: Fixture.now).applied.count == 1)
        #expect(PricingEngine.price(cart: try cart("K"), snapshot: next, now: Fixture.now).applied.isEmpty)
        #expect(PricingEngine.price(cart: try cart("K"), snapshot: previous, now: Fixture.now).applied.count == 1)
    }

    /// Other coupons over the same promotions: nothing recompiled, priced like a fresh build.
    @Test func replacingCouponsSharesTheCompiledPromotions() {
        var rng = SplitMix64(seed: 21)
        for _ in 0..<10 {
            let (promotions, coupons, carts) = IndexDifferentialTests.scenario(&rng, promotionCount: 60)
            let (_, otherCoupons, _) = IndexDifferentialTests.scenario(&rng, promotionCount: 60)
            let previous = PromotionSnapshot(promotions: promotions, coupons: coupons)
            let fresh = PromotionSnapshot(promotions: promotions, coupons: otherCoupons)
            let replaced = previous.replacingCoupons(CouponTable(otherCoupons), availability: fresh.availability, version: 7)
            #expect(replaced.conditionCache === previous.conditionCache)
            #expect(replaced.version == 7)
            for cart in carts {
                #expect(Self.price(cart, replaced) == Self.price(cart, fresh))
            }
        }
    }
}
