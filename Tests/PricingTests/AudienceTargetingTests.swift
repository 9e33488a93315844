import Foundation
import Rules
import Testing
@testable import Pricing

/// `customer.audiences` in conditions: memberships are set by the server
/// (`Cart.withCustomerAudiences`), conditions test them like any array field, and the index
/// finds audience promotions without evaluating the others.
@Suite("Audience targeting")
struct AudienceTargetingTests {
    typealias F = Fixture

    static let promotions = [
        // Each discounts its own line, so stacking never decides between them.
        F.promotion("horror-10", .percentOff(percent: F.percent("10")), target: ["sku": "sku-1"],
                    trigger: ["customer.audiences": "horror-fans"]),
        F.promotion("not-lapsed-5", .percentOff(percent: F.percent("5")), target: ["sku": "sku-2"],
                    trigger: ["customer.audiences": ["$nin": ["lapsed", "churned"]]]),
        F.promotion("any-audience", .percentOff(percent: F.percent("1")), target: ["sku": "sku-3"],
                    trigger: ["customer.audiences": ["$size": 1]]),
    ]

    static func cart(audiences: [String]?) -> Cart {
        let cart = F.cart([F.line("1", price: "20.00"), F.line("2", price: "20.00"), F.line("3", price: "20.00")], customer: Cart.Customer(id: "42"))
        return audiences.map(cart.withCustomerAudiences) ?? cart
    }

    @Test func snapshotListsTheAudiencesItsTriggersName() {
        let named = PromotionSnapshot(promotions: Array(Self.promotions.prefix(2))).audienceReferences
        #expect(named.ids == ["horror-fans", "lapsed", "churned"] && !named.all)
        #expect(PromotionSnapshot(promotions: Self.promotions).audienceReferences.all)  // $size names none
        #expect(PromotionSnapshot(promotions: [F.promotion("p", .percentOff(percent: F.percent("1")),
                                                           trigger: ["customer.tier": "gold"])]).audienceReferences.isEmpty)
        // Whole-list and presence comparisons depend on every membership, not only the named ones.
        for trigger: JSONValue in [["customer.audiences": ["horror-fans"]], ["customer.audiences": .null],
                                   ["customer.audiences": ["$in": ["horror-fans", .null]]]] {
            let references = PromotionSnapshot(promotions: [F.promotion("p", .percentOff(percent: F.percent("1")), trigger: trigger)])
                .audienceReferences
            #expect(references.all, "\(trigger)")
        }
    }

    @Test(arguments: [true, false])
    func membershipDecidesWhichPromotionsApply(usesIndex: Bool) {
        let snapshot = PromotionSnapshot(promotions: Self.promotions)
        func applied(_ audiences: [String]?) -> [String] {
            PricingEngine.price(cart: Self.cart(audiences: audiences), snapshot: snapshot, now: F.now,
                                options: PricingOptions(usesIndex: usesIndex)).appliedIDs.sorted()
        }
        #expect(applied(["horror-fans"]) == ["any-audience", "horror-10", "not-lapsed-5"])
        #expect(applied(["horror-fans", "lapsed"]) == ["horror-10"])
        #expect(applied([]) == ["not-lapsed-5"])
        #expect(applied(["lapsed"]) == ["any-audience"])
        // Not looked up (no id, or a server that does not know): the field is absent, so `$nin` holds.
        #expect(applied(nil) == ["not-lapsed-5"])
    }

    @Test func membershipsAreServerSideOnly() throws {
        // Clients cannot claim a membership: the field is not part of the request.
        let document = try JSONValue(parsing: #"{"currency": "EUR", "customer": {"id": "42", "audiences": ["horror-fans"]}, "lines": []}"#)
        #expect(throws: RuleErrors.self) { try Cart(parsing: document) }
        // The wire form of a cart never carries them, and the order they were found in does not matter.
        let cart = Self.cart(audiences: ["b", "a"])
        #expect(cart.customer?.audiences == ["a", "b"])
        #expect(try Cart(parsing: cart.document).customer?.audiences == nil)
    }

    @Test func explainShowsTheFailedMembershipTest() {
        let result = PricingEngine.price(cart: Self.cart(audiences: ["lapsed"]), snapshot: PromotionSnapshot(promotions: Self.promotions),
                                         now: F.now, options: PricingOptions(usesIndex: false))
        #expect(result.reason("horror-10") == .conditionFailed)
    }
}
