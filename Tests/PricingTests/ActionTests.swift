import Rules
import Testing
@testable import Pricing

/// One test per action with hand-computed expectations (amounts in minor units / strings).
@Suite struct ActionTests {
    typealias F = Fixture

    @Test func percentOffIssueExample() {
        let cart = F.cart([F.line("1", sku: "134174510", quantity: 2, price: "49.99", category: "shoes")])
        let result = F.price(cart, [F.promotion("bf-10", .percentOff(percent: F.percent("10")), currency: nil, target: ["category": "shoes"])])
        // 99.98 × 10 % = 9.998 → 10.00 (half-even)
        #expect(result.subtotal.decimalString == "99.98")
        #expect(result.discount.decimalString == "10.00")
        #expect(result.total.decimalString == "89.98")
        #expect(result.line("1")?.adjustments == [.init(promotion: "bf-10", amount: F.eur("10.00"))])
        #expect(result.applied.first?.applications == 2)
    }

    @Test func hundredPercentOffMakesLinesFree() {
        let cart = F.cart([F.line("a", quantity: 3, price: "0.99"), F.line("b", price: "12.34")])
        let result = F.price(cart, [F.promotion("free", .percentOff(percent: .hundred), currency: nil)])
        #expect(result.total.minorUnits == 0)
        #expect(result.discount.decimalString == "15.31")
        #expect(result.lines.allSatisfy { $0.total.minorUnits == 0 })
    }

    @Test func percentOffInYen() {
        let cart = F.cart([F.line("1", price: "1999", currency: .jpy), F.line("2", quantity: 3, price: "105", currency: .jpy)], currency: .jpy)
        let result = F.price(cart, [F.promotion("jp-15", .percentOff(percent: F.percent("15")), currency: nil)])
        // 1999 × 15 % = 299.85 → 300; 315 × 15 % = 47.25 → 47
        #expect(result.line("1")?.discount.decimalString == "300")
        #expect(result.line("2")?.discount.decimalString == "47")
        #expect(result.total.decimalString == "1967")
    }

    @Test func percentOffQuantityThousand() {
        let cart = F.cart([F.line("1", quantity: 1000, price: "0.99")])
        let result = F.price(cart, [F.promotion("third", .percentOff(percent: F.percent("33.3333")), currency: nil)])
        // 990.00 × 33.3333 % = 329.99967 → 330.00
        #expect(result.discount.decimalString == "330.00")
        #expect(result.total.decimalString == "660.00")
        #expect(result.applied.first?.applications == 1000)
    }

    @Test func halfUpVersusHalfEven() {
        let cart = F.cart([F.line("1", price: "1.25")])
        let promotions = [F.promotion("p", .percentOff(percent: F.percent("10")), currency: nil)]
        // 1.25 × 10 % = 0.125
        #expect(F.price(cart, promotions).discount.decimalString == "0.12")
        #expect(F.price(cart, promotions, options: PricingOptions(rounding: .halfUp)).discount.decimalString == "0.13")
    }

    @Test func percentOffLimitedToMostValuableUnits() {
        let cart = F.cart([F.line("a", quantity: 3, price: "10.00"), F.line("b", price: "50.00")])
        let result = F.price(cart, [F.promotion("two", .percentOff(percent: F.percent("50")), maxApplications: 2)])
        // units by value: 50, 10, 10, 10 → 50 % of 50.00 and of one 10.00
        #expect(result.line("b")?.discount.decimalString == "25.00")
        #expect(result.line("a")?.discount.decimalString == "5.00")
        #expect(result.applied.first?.applications == 2)
    }

    @Test func oneCentSplitOverThreeLines() {
        let cart = F.cart([F.line("c", price: "5.00"), F.line("a", price: "5.00"), F.line("b", price: "5.00")])
        let result = F.price(cart, [F.promotion("cent", .amountOff(amount: F.eur("0.01"), per: .cart))])
        #expect(result.discount.decimalString == "0.01")
        // equal remainders: the smallest line id gets the cent, whatever the request order
        #expect(result.line("a")?.discount.decimalString == "0.01")
        #expect(result.line("b")?.discount.minorUnits == 0)
        #expect(result.line("c")?.discount.minorUnits == 0)
        #expect(result.lines.map(\.id) == ["c", "a", "b"])  // response keeps request order
    }

    @Test func cartAmountSplitProportionally() {
        let cart = F.cart([F.line("1", price: "10.00"), F.line("2", price: "20.00"), F.line("3", quantity: 2, price: "35.00")])
        let result = F.price(cart, [F.promotion("ten", .amountOff(amount: F.eur("10.00"), per: .cart))])
        // 100.00 total: 10 %, 20 %, 70 % of 10.00
        #expect(result.lines.map(\.discount.decimalString) == ["1.00", "2.00", "7.00"])
        #expect(result.applied.first?.applications == 1)
    }

    @Test func discountLargerThanTheCart() {
        let cart = F.cart([F.line("1", price: "3.00"), F.line("2", price: "4.00")])
        let result = F.price(cart, [F.promotion("big", .amountOff(amount: F.eur("50.00"), per: .cart))])
        #expect(result.discount.decimalString == "7.00")
        #expect(result.total.minorUnits == 0)
    }

    @Test func amountOffPerUnitCappedAtTheLine() {
        let cart = F.cart([F.line("1", quantity: 3, price: "3.00"), F.line("2", quantity: 2, price: "8.00")])
        let result = F.price(cart, [F.promotion("five", .amountOff(amount: F.eur("5.00"), per: .unit))])
        // line 1: 3 × 5.00 = 15.00 > 9.00 → 9.00; line 2: 2 × 5.00 = 10.00
        #expect(result.line("1")?.discount.decimalString == "9.00")
        #expect(result.line("2")?.discount.decimalString == "10.00")
        #expect(result.line("1")?.total.minorUnits == 0)
    }

    @Test func amountOffPerLine() {
        let cart = F.cart([F.line("1", quantity: 3, price: "3.00"), F.line("2", price: "1.50"), F.line("3", price: "20.00")])
        let result = F.price(cart, [F.promotion("two", .amountOff(amount: F.eur("2.00"), per: .line), maxApplications: 2)])
        // lines by value: 3 (20.00), 1 (9.00), 2 (1.50) → the two most valuable lines
        #expect(result.lines.map(\.discount.decimalString) == ["2.00", "0.00", "2.00"])
    }

    @Test func fixedPrice() {
        let cart = F.cart([F.line("1", quantity: 2, price: "12.50"), F.line("2", price: "8.00")])
        let result = F.price(cart, [F.promotion("ten", .fixedPrice(unitPrice: F.eur("10.00")))])
        #expect(result.line("1")?.discount.decimalString == "5.00")
        #expect(result.line("2")?.discount.minorUnits == 0)
        #expect(result.applied.first?.applications == 2)

        let cheap = F.price(F.cart([F.line("1", price: "8.00")]), [F.promotion("ten", .fixedPrice(unitPrice: F.eur("10.00")))])
        #expect(cheap.applied.isEmpty)
        #expect(cheap.reason("ten") == .noDiscount)
    }

    @Test func buyTwoGetOneCheapestFree() {
        let cart = F.cart([F.line("a", quantity: 3, price: "10.00"), F.line("b", price: "4.00"), F.line("c", quantity: 2, price: "6.00")])
        let result = F.price(cart, [F.promotion("b2g1", .buyXGetY(buy: 2, get: 1, percent: .hundred, cheapest: true), currency: nil)])
        // 6 units → 2 sets → the 2 cheapest units free: 4.00 and one 6.00
        #expect(result.line("b")?.discount.decimalString == "4.00")
        #expect(result.line("c")?.discount.decimalString == "6.00")
        #expect(result.line("a")?.discount.minorUnits == 0)
        #expect(result.applied.first?.applications == 2)
    }

    @Test func buyOneGetOneHalfPriceAndShortfall() {
        let promotion = F.promotion("b1g1", .buyXGetY(buy: 1, get: 1, percent: F.percent("50"), cheapest: true), currency: nil)
        let result = F.price(F.cart([F.line("a", quantity: 3, price: "9.99")]), [promotion])
        // 3 units → 1 set → one unit at 50 %: 29.97 × 1/3 × 50 % = 4.995 → 5.00 (half-even: 499.5 → 500)
        #expect(result.discount.decimalString == "5.00")
        let single = F.price(F.cart([F.line("a", price: "9.99")]), [promotion])
        #expect(single.reason("b1g1") == .insufficientQuantity)
    }

    @Test func multiBuyThreeForTen() {
        let cart = F.cart([F.line("a", quantity: 4, price: "4.00"), F.line("b", price: "2.00")])
        let result = F.price(cart, [F.promotion("3for10", .multiBuy(quantity: 3, price: F.eur("10.00")))])
        // 5 units → 1 bundle of the 3 most valuable units (3 × 4.00 = 12.00) → 2.00 off line a
        #expect(result.line("a")?.discount.decimalString == "2.00")
        #expect(result.line("b")?.discount.minorUnits == 0)
        #expect(result.applied.first?.applications == 1)
        let short = F.price(F.cart([F.line("a", quantity: 2, price: "4.00")]), [F.promotion("3for10", .multiBuy(quantity: 3, price: F.eur("10.00")))])
        #expect(short.reason("3for10") == .insufficientQuantity)
    }

    @Test func multiBuySpreadAcrossLines() {
        let cart = F.cart([F.line("a", price: "5.00"), F.line("b", price: "3.00"), F.line("c", price: "4.00")])
        let result = F.price(cart, [F.promotion("3for10", .multiBuy(quantity: 3, price: F.eur("10.00")))])
        // 12.00 → 10.00: 2.00 split 5:3:4 → 0.8333, 0.5, 0.6667 → floors 83, 50, 66 (199) + 1 to c (.67 > .33)
        #expect(result.lines.map(\.discount.decimalString) == ["0.83", "0.50", "0.67"])
    }

    @Test func tieredSpend() {
        let tiers = [
            SpendTier(threshold: F.eur("50.00"), reward: .percent(F.percent("5"))),
            SpendTier(threshold: F.eur("100.00"), reward: .percent(F.percent("10"))),
            SpendTier(threshold: F.eur("200.00"), reward: .amount(F.eur("30.00"))),
        ]
        let promotion = F.promotion("tiers", .tieredSpend(tiers: tiers))
        #expect(F.price(F.cart([F.line("1", price: "49.99")]), [promotion]).reason("tiers") == .thresholdNotReached)
        #expect(F.price(F.cart([F.line("1", price: "50.00")]), [promotion]).discount.decimalString == "2.50")
        #expect(F.price(F.cart([F.line("1", price: "150.00")]), [promotion]).discount.decimalString == "15.00")
        #expect(F.price(F.cart([F.line("1", price: "250.00")]), [promotion]).discount.decimalString == "30.00")
    }

    @Test func loyaltyPoints() {
        let cart = F.cart([F.line("1", quantity: 2, price: "49.99", category: "shoes")])
        let promotions = [
            F.promotion("bf-10", .percentOff(percent: F.percent("10")), currency: nil, priority: 10, combinesWith: ["*"]),
            F.promotion("points", .loyaltyPoints(.perUnitOfCurrency(.one)), currency: nil),
        ]
        let result = F.price(cart, promotions)
        // points on the final total 89.98 → 89.98 → 90
        #expect(result.loyaltyPoints == 90)
        #expect(result.total.decimalString == "89.98")
        #expect(result.applied.last?.loyaltyPoints == 90)
        let double = F.price(cart, [F.promotion("x2", .loyaltyPoints(.multiplier(PointsRate(parsing: "2")!)), currency: nil)],
                             options: PricingOptions(basePointsPerUnitOfCurrency: PointsRate(parsing: "0.5")!))
        // 99.98 × 2 × 0.5 = 99.98 → 100
        #expect(double.loyaltyPoints == 100)
        #expect(double.discount.minorUnits == 0)
    }

    /// A yen cart near the amount limit at the highest rate would award ~10²² points; two such
    /// promotions used to overflow Int64 and trap (the process died). Now capped at 2⁵³ − 1.
    @Test func loyaltyPointsAreCappedInsteadOfOverflowing() {
        let cart = F.cart([F.line("1", quantity: 1000, price: "999999999999", currency: .jpy)], currency: .jpy)
        let rate = PointsRate(parsing: "10000")!
        let promotions = ["a", "b"].map { F.promotion($0, .loyaltyPoints(.perUnitOfCurrency(rate)), currency: nil, combinesWith: ["*"]) }
        let result = F.price(cart, promotions)
        #expect(result.loyaltyPoints == PriceResult.maxLoyaltyPoints)
        #expect(result.applied.map(\.loyaltyPoints) == [PriceResult.maxLoyaltyPoints, PriceResult.maxLoyaltyPoints])
        let small = F.price(F.cart([F.line("1", price: "1000", currency: .jpy)], currency: .jpy), promotions)
        #expect(small.loyaltyPoints == 20_000_000)  // 1000 × 10000 × 2: below the cap, exact
    }

    @Test func maxDiscountCapsAndSplitsExactly() {
        let cart = F.cart([F.line("1", price: "30.00"), F.line("2", price: "60.00")])
        let result = F.price(cart, [F.promotion("cap", .percentOff(percent: F.percent("50")), maxDiscount: "10.00")])
        #expect(result.discount.decimalString == "10.00")
        #expect(result.lines.map(\.discount.decimalString) == ["3.33", "6.67"])
        #expect(result.applied.first?.capped == true)
    }

    @Test func bahrainiDinarThreeDecimals() {
        let cart = F.cart([F.line("1", quantity: 3, price: "1.333", currency: .bhd)], currency: .bhd)
        let result = F.price(cart, [F.promotion("p", .percentOff(percent: F.percent("12.5")), currency: nil)])
        // 3.999 × 12.5 % = 0.499875 → 0.500
        #expect(result.discount.decimalString == "0.500")
        #expect(result.total.decimalString == "3.499")
    }
}
