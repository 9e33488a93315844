import Rules
import Testing
@testable import Pricing

@Suite struct StackingTests {
    typealias F = Fixture
    static let shoes = F.cart([F.line("1", quantity: 2, price: "50.00", category: "shoes"), F.line("2", price: "20.00", category: "socks")])

    @Test func higherPriorityWinsTheSharedLine() {
        let result = F.price(Self.shoes, [
            F.promotion("low", .percentOff(percent: F.percent("50")), priority: 1),
            F.promotion("high", .percentOff(percent: F.percent("10")), target: ["category": "shoes"], priority: 5),
        ])
        // high takes line 1 (10.00); low does not combine → only line 2 (10.00)
        #expect(result.appliedIDs == ["high", "low"])
        #expect(result.line("1")?.adjustments.map(\.promotion) == ["high"])
        #expect(result.line("2")?.adjustments.map(\.promotion) == ["low"])
        #expect(result.discount.decimalString == "20.00")
    }

    @Test func combinablePromotionsCompoundOnTheDiscountedPrice() {
        let result = F.price(Self.shoes, [
            F.promotion("a", .percentOff(percent: F.percent("10")), priority: 5, combinesWith: ["b"]),
            F.promotion("b", .percentOff(percent: F.percent("10")), priority: 1, combinesWith: ["a"]),
        ])
        // line 1: 100.00 → 90.00 → 81.00
        #expect(result.line("1")?.total.decimalString == "81.00")
        #expect(result.line("1")?.adjustments.map(\.amount.decimalString) == ["10.00", "9.00"])
    }

    @Test func combinationMustBeMutual() {
        let result = F.price(Self.shoes, [
            F.promotion("a", .percentOff(percent: F.percent("10")), priority: 5, combinesWith: ["b"]),
            F.promotion("b", .percentOff(percent: F.percent("10")), priority: 1),
        ])
        #expect(result.appliedIDs == ["a"])
        #expect(result.reason("b") == .notCombinable)
    }

    @Test func groupsAndWildcard() {
        let result = F.price(Self.shoes, [
            F.promotion("a", .percentOff(percent: F.percent("10")), priority: 5, combinesWith: ["newsletter"]),
            F.promotion("b", .amountOff(amount: F.eur("1.00"), per: .line), priority: 1, combinesWith: ["*"], group: "newsletter"),
        ])
        #expect(result.appliedIDs == ["a", "b"])
        #expect(result.discount.decimalString == "14.00")
    }

    @Test func equalPriorityLargerDiscountThenSmallerID() {
        let larger = F.price(Self.shoes, [
            F.promotion("a", .percentOff(percent: F.percent("10"))),
            F.promotion("b", .percentOff(percent: F.percent("20"))),
        ])
        #expect(larger.appliedIDs == ["b"])
        #expect(larger.reason("a") == .notCombinable)
        let tie = F.price(Self.shoes, [
            F.promotion("z", .percentOff(percent: F.percent("10"))),
            F.promotion("m", .percentOff(percent: F.percent("10"))),
        ])
        #expect(tie.appliedIDs == ["m"])
    }

    @Test func exclusiveBlocksLowerPriorities() {
        let result = F.price(Self.shoes, [
            F.promotion("vip", .percentOff(percent: F.percent("5")), target: ["category": "socks"], priority: 10, exclusive: true),
            F.promotion("shoes", .percentOff(percent: F.percent("50")), target: ["category": "shoes"], priority: 1),
            F.promotion("points", .loyaltyPoints(.perUnitOfCurrency(.one)), currency: nil, priority: 0),
        ])
        #expect(result.appliedIDs == ["vip"])
        #expect(result.reason("shoes") == .blockedByExclusive)
        #expect(result.reason("points") == .blockedByExclusive)
        #expect(result.loyaltyPoints == 0)
    }

    /// Points are awarded on the final line values: an exclusive points promotion whose lines a
    /// promotion of its own level then discounts to 0 awards nothing, so it blocks nothing.
    @Test func exclusivePointsThatEndAtZeroBlockNothing() {
        let cart = F.cart([F.line("1", sku: "s1", price: "1.00"), F.line("2", sku: "s2", price: "50.00")])
        let result = F.price(cart, [
            F.promotion("points", .loyaltyPoints(.perUnitOfCurrency(PointsRate(parsing: "10000")!)), currency: nil,
                        target: ["sku": "s1"], priority: 10, exclusive: true),
            F.promotion("free", .percentOff(percent: F.percent("100")), target: ["sku": "s1"], priority: 10),
            F.promotion("low", .percentOff(percent: F.percent("10")), target: ["sku": "s2"], priority: 1),
        ])
        #expect(result.appliedIDs.sorted() == ["free", "low"])
        #expect(result.reason("points") == .noDiscount)
        #expect(result.discount.decimalString == "6.00" && result.loyaltyPoints == 0)
    }

    /// Lines are ordered by the bytes of their ids: canonically equivalent ids ("é" composed or
    /// not) are two lines whose order, and so every tie-break, never depends on the request.
    @Test func equivalentLineIdsAreOrderedByBytes() {
        let lines = [F.line("\u{e9}", sku: "s", price: "10.00"), F.line("e\u{301}", sku: "s", price: "10.00")]
        let promotions = [F.promotion("one", .amountOff(amount: F.eur("0.03"), per: .cart), target: ["sku": "s"])]
        let forward = F.price(F.cart(lines), promotions), backward = F.price(F.cart(lines.reversed()), promotions)
        let discounts = { (result: PriceResult) in Dictionary(uniqueKeysWithValues: result.lines.map { (Array($0.id.utf8), $0.discount.decimalString) }) }
        #expect(discounts(forward) == discounts(backward) && forward.discount.decimalString == "0.03")
    }

    @Test func exclusiveThatDoesNotApplyBlocksNothing() {
        let result = F.price(Self.shoes, [
            F.promotion("vip", .percentOff(percent: F.percent("5")), target: ["category": "hats"], priority: 10, exclusive: true),
            F.promotion("shoes", .percentOff(percent: F.percent("50")), target: ["category": "shoes"], priority: 1),
        ])
        #expect(result.appliedIDs == ["shoes"])
        #expect(result.reason("vip") == .noMatchingLines)
    }

    @Test func generalSettingsReasons() {
        let cart = F.cart([F.line("1", price: "10.00")], channel: "pos", store: "hamburg-02")
        let result = F.price(cart, [
            F.promotion("future", .percentOff(percent: F.percent("5")), startsAt: "2026-12-01T00:00:00Z"),
            F.promotion("past", .percentOff(percent: F.percent("5")), endsAt: "2026-11-27T10:00:00Z"),
            F.promotion("web", .percentOff(percent: F.percent("5")), channels: ["web"]),
            F.promotion("berlin", .percentOff(percent: F.percent("5")), stores: ["berlin-01"]),
            F.promotion("usd", .amountOff(amount: try! Money(parsing: "1", currency: .usd), per: .cart), currency: .usd),
            F.promotion("coupon", .percentOff(percent: F.percent("5")), coupon: true),
            F.promotion("gold", .percentOff(percent: F.percent("5")), trigger: ["customer.tier": "gold"]),
        ])
        #expect(result.applied.isEmpty)
        #expect(result.reason("future") == .notStarted)
        #expect(result.reason("past") == .expired)  // endsAt is exclusive
        #expect(result.reason("web") == .channel)
        #expect(result.reason("berlin") == .store)
        #expect(result.reason("usd") == .currency)
        #expect(result.reason("coupon") == .couponRequired)
        #expect(result.reason("gold") == .conditionFailed)
        let detail = result.notApplied?.first { $0.promotion == "gold" }?.detail
        #expect(detail?.path == "/trigger/customer.tier")
        #expect(detail?.expected == "gold")
        #expect(detail?.found == nil)
    }

    @Test func notAppliedOnlyWithExplain() {
        let cart = F.cart([F.line("1", price: "10.00")], explain: false)
        let result = F.price(cart, [F.promotion("web", .percentOff(percent: F.percent("5")), channels: ["app"])])
        #expect(result.notApplied == nil)
    }

    @Test func triggerOnCartTotalsAndCustomer() {
        let cart = F.cart([F.line("1", quantity: 2, price: "49.99")], customer: .init(id: "12345", tier: "gold", loyaltyCard: true))
        let result = F.price(cart, [
            F.promotion("gold-5", .percentOff(percent: F.percent("5")), trigger: ["customer.tier": "gold", "total": ["$gte": 50]], combinesWith: ["*"]),
            F.promotion("big", .percentOff(percent: F.percent("5")), trigger: ["subtotal": ["$gte": 100]], combinesWith: ["*"]),
            F.promotion("two", .amountOff(amount: F.eur("1.00"), per: .cart), trigger: ["quantity": ["$gte": 2], "lines.sku": "sku-1"], combinesWith: ["*"]),
        ])
        #expect(Set(result.appliedIDs) == ["gold-5", "two"])
        #expect(result.reason("big") == .conditionFailed)
    }
}

@Suite struct CouponTests {
    typealias F = Fixture
    static let cart = F.cart([F.line("1", price: "100.00")], customer: .init(id: "42"),
                             coupons: ["blackfriday", "NOPE", "OLD", "GONE", "MINE", "THEIRS", "LATER", "BLACKFRIDAY ", "ALT"])
    static let promotions = [
        F.promotion("bf-10", .percentOff(percent: F.percent("10")), coupon: true, priority: 5, combinesWith: ["mine"]),
        F.promotion("vip", .percentOff(percent: F.percent("20")), coupon: true, priority: 1),
        F.promotion("mine", .amountOff(amount: F.eur("1.00"), per: .cart), coupon: true, priority: 1, combinesWith: ["*"]),
    ]
    static let coupons = [
        Coupon(code: "BlackFriday", promotionID: "bf-10"),
        Coupon(code: "ALT", promotionID: "bf-10"),
        Coupon(code: "OLD", promotionID: "bf-10", endsAt: RuleDateTime(rfc3339: "2026-01-01T00:00:00Z")),
        Coupon(code: "LATER", promotionID: "bf-10", startsAt: RuleDateTime(rfc3339: "2027-01-01T00:00:00Z")),
        Coupon(code: "GONE", promotionID: "bf-10", kind: .limited, isAvailable: false),
        Coupon(code: "MINE", promotionID: "mine", customerID: "42", kind: .limited, isAvailable: true),
        Coupon(code: "THEIRS", promotionID: "vip", customerID: "7"),
    ]

    /// Two coupons sharing a code: the smallest promotion id's is kept, and the other's being
    /// used up does not make the kept one exhausted (availability is keyed by code only).
    @Test func aCouponLosingItsCodeLeavesTheKeptOnesAvailability() {
        let cart = F.cart([F.line("1", price: "100.00")], coupons: ["TWIN"])
        for coupons in [[Coupon(code: "TWIN", promotionID: "bf-10", kind: .limited), Coupon(code: "TWIN", promotionID: "vip", kind: .limited, isAvailable: false)],
                        [Coupon(code: "TWIN", promotionID: "vip", kind: .limited, isAvailable: false), Coupon(code: "TWIN", promotionID: "bf-10", kind: .limited)]] {
            let result = F.price(cart, Self.promotions, coupons: coupons)
            #expect(result.coupons.first?.status == .applied)
            #expect(result.appliedIDs == ["bf-10"])
        }
        let kept = F.price(cart, Self.promotions, coupons: [Coupon(code: "TWIN", promotionID: "bf-10", kind: .limited, isAvailable: false),
                                                            Coupon(code: "TWIN", promotionID: "vip", kind: .limited)])
        #expect(kept.coupons.first?.status == .exhausted)
    }

    @Test func statusesPerPresentedCode() {
        let result = F.price(Self.cart, Self.promotions, coupons: Self.coupons)
        let statuses = Dictionary(uniqueKeysWithValues: result.coupons.map { ($0.code, $0.status) })
        #expect(result.coupons.map(\.code) == ["blackfriday", "NOPE", "OLD", "GONE", "MINE", "THEIRS", "LATER", "ALT"])
        #expect(statuses["blackfriday"] == .notCombinable)  // "ALT" < "BLACKFRIDAY" unlocked bf-10
        #expect(statuses["NOPE"] == .unknown)
        #expect(statuses["OLD"] == .expired)
        #expect(statuses["GONE"] == .exhausted)
        #expect(statuses["MINE"] == .applied)
        #expect(statuses["THEIRS"] == .conditionsNotMet)
        #expect(statuses["LATER"] == .notStarted)
        #expect(statuses["ALT"] == .applied)
        #expect(result.discount.decimalString == "11.00")
        #expect(result.reason("vip") == .couponRequired)
    }

    @Test func smallestValidCodeUnlocks() {
        let result = F.price(Self.cart, Self.promotions, coupons: Self.coupons)
        #expect(result.applied.first { $0.promotion == "bf-10" }?.coupon == "ALT")
    }

    @Test func blockedCouponIsNotCombinable() {
        let cart = F.cart([F.line("1", price: "100.00")], coupons: ["VIP"])
        let result = F.price(cart, [
            F.promotion("sale", .percentOff(percent: F.percent("30")), priority: 9),
            F.promotion("vip", .percentOff(percent: F.percent("20")), coupon: true, priority: 1),
        ], coupons: [Coupon(code: "vip", promotionID: "vip")])
        #expect(result.coupons == [.init(code: "VIP", status: .notCombinable)])
    }

    @Test func couponForUnmetConditions() {
        let cart = F.cart([F.line("1", price: "10.00")], coupons: ["BIG"])
        let result = F.price(cart, [F.promotion("big", .percentOff(percent: F.percent("30")), trigger: ["total": ["$gte": 100]], coupon: true)],
                             coupons: [Coupon(code: "big", promotionID: "big")])
        #expect(result.coupons == [.init(code: "BIG", status: .conditionsNotMet)])
        #expect(Coupon.normalize("  bLaCk friday\n") == "BLACK FRIDAY")
    }

    @Test func unknownWhenPromotionIsDisabledOrMissing() {
        let cart = F.cart([F.line("1", price: "10.00")], coupons: ["X"])
        let result = F.price(cart, [], coupons: [Coupon(code: "x", promotionID: "deleted")])
        #expect(result.coupons == [.init(code: "X", status: .unknown)])
    }

    /// Past 64 applied promotions on one line, claims leave the per-line bit mask for the overflow
    /// lists: stacking must still see every claimant.
    @Test func moreThan64ClaimantsOnOneLine() {
        let line = F.cart([F.line("1", quantity: 1, price: "1000.00", category: "shoes")])
        // 70 promotions (priorities 100…31) that all combine with everything, 1.00 off each,
        // then "picky" (priority 0) that combines only with the first 69 — claimant number 69 (an
        // overflow claim) refuses it.
        var promotions = (0..<70).map { number in
            F.promotion("p\(number)", .amountOff(amount: F.eur("1.00"), per: .line), priority: 100 - number, combinesWith: ["*"])
        }
        promotions.append(F.promotion("picky", .amountOff(amount: F.eur("1.00"), per: .line), priority: 0,
                                      combinesWith: (0..<69).map { "p\($0)" }))
        let refused = F.price(line, promotions)
        #expect(refused.appliedIDs.count == 70)
        #expect(refused.reason("picky") == .notCombinable)
        #expect(refused.discount.decimalString == "70.00")
        // Accepting all 70 lets it stack.
        promotions[70] = F.promotion("picky", .amountOff(amount: F.eur("1.00"), per: .line), priority: 0,
                                     combinesWith: (0..<70).map { "p\($0)" })
        let accepted = F.price(line, promotions)
        #expect(accepted.appliedIDs.count == 71)
        #expect(accepted.discount.decimalString == "71.00")
    }
}
