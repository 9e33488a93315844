import Rules
import Testing
@testable import Pricing

private typealias F = Fixture

/// Top-level conjuncts that several triggers share are compiled once and referenced by slot, so
/// a cart evaluates each at most once (the memo is per slot). Before this test, removing the
/// sharing left every test green.
@Suite("Shared trigger conditions")
struct SharedConditionsTests {
    @Test func aConjunctSharedByFiveTriggersIsOneSlot() throws {
        let promotions = (1...5).map { n in
            F.promotion("p\(n)", .percentOff(percent: F.percent("1")),
                        trigger: ["customer.tier": "gold", "subtotal": ["$gte": .number(JSONNumber(n * 10))]],
                        combinesWith: ["*"])
        }
        let snapshot = PromotionSnapshot(promotions: promotions)
        #expect(snapshot.conjuncts.count == 6, "one shared tier conjunct plus five thresholds")
        #expect(snapshot.indexStatistics.sharedConditions == 6)
        let slots = snapshot.promotions.compactMap { $0.trigger.map { snapshot.triggerConjuncts[$0] } }
        #expect(slots.count == 5)
        let shared = Set(slots.map { Set($0) }.reduce(Set(slots[0])) { $0.intersection($1) })
        #expect(shared.count == 1, "every trigger references the same tier slot")

        // And the results are those of evaluating each trigger on its own.
        let gold = F.cart([F.line("1", price: "35.00")], customer: .init(id: "c", tier: "gold"))
        #expect(Set(PricingEngine.price(cart: gold, snapshot: snapshot, now: F.now).appliedIDs) == ["p1", "p2", "p3"])
        let silver = F.cart([F.line("1", price: "35.00")], customer: .init(id: "c", tier: "silver"))
        #expect(PricingEngine.price(cart: silver, snapshot: snapshot, now: F.now).applied.isEmpty)
    }
}
