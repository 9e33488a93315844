import Rules
@testable import Pricing

/// Shared builders for the pricing tests.
enum Fixture {
    static let now = RuleDateTime(rfc3339: "2026-11-27T10:00:00Z")!

    static func eur(_ text: String) -> Money { try! Money(parsing: text, currency: .eur) }

    static func line(_ id: String, sku: String? = nil, quantity: Int = 1, price: String, currency: Currency = .eur,
                     category: String? = nil, brand: String? = nil) -> Cart.Line {
        Cart.Line(id: id, sku: sku ?? "sku-\(id)", quantity: quantity, unitPrice: try! Money(parsing: price, currency: currency),
                  category: category, brand: brand)
    }

    static func cart(_ lines: [Cart.Line], currency: Currency = .eur, channel: String? = "web", store: String? = "berlin-01",
                     customer: Cart.Customer? = nil, coupons: [String] = [], explain: Bool = true) -> Cart {
        try! Cart(currency: currency, channel: channel, store: store, customer: customer, lines: lines,
                  coupons: coupons, explain: explain)
    }

    static func condition(_ json: JSONValue, base: String = "/target") -> Condition {
        try! Condition(parsing: json, basePath: base)
    }

    static func promotion(_ id: String, _ action: PromotionAction, currency: Currency? = .eur, target: JSONValue? = nil,
                          trigger: JSONValue? = nil, coupon: Bool = false, priority: Int = 0, exclusive: Bool = false,
                          combinesWith: [String] = [], group: String? = nil, maxDiscount: String? = nil,
                          maxApplications: Int? = nil, channels: [String] = [], stores: [String] = [],
                          startsAt: String? = nil, endsAt: String? = nil) -> Promotion {
        try! Promotion(
            id: id, name: "Promotion \(id)", startsAt: startsAt.flatMap(RuleDateTime.init(rfc3339:)),
            endsAt: endsAt.flatMap(RuleDateTime.init(rfc3339:)), channels: channels, stores: stores, currency: currency,
            trigger: trigger.map { condition($0, base: "/trigger") }, coupon: coupon,
            target: target.map { condition($0) }, action: action,
            maxDiscount: maxDiscount.map { try! Money(parsing: $0, currency: currency ?? .eur) },
            maxApplications: maxApplications, priority: priority, exclusive: exclusive,
            combinesWith: combinesWith, group: group)
    }

    static func percent(_ text: String) -> Percent { Percent(parsing: text)! }

    static func price(_ cart: Cart, _ promotions: [Promotion], coupons: [Coupon] = [],
                      options: PricingOptions = .default) -> PriceResult {
        PricingEngine.price(cart: cart, snapshot: PromotionSnapshot(promotions: promotions, coupons: coupons), now: now, options: options)
    }
}

extension Cart {
    /// The same cart with `"explain": true` (reasons for every promotion that did not apply).
    func explaining() throws -> Cart {
        try Cart(currency: currency, channel: channel, store: store, at: at, customer: customer, lines: lines,
                 coupons: coupons, explain: true)
    }
}

extension PriceResult {
    /// Line by id.
    func line(_ id: String) -> PriceResult.Line? { lines.first { $0.id == id } }
    /// Reason a promotion did not apply.
    func reason(_ id: String) -> NotAppliedReason? { notApplied?.first { $0.promotion == id }?.reason }
    /// Ids of applied promotions, in order.
    var appliedIDs: [String] { applied.map(\.promotion) }
}
