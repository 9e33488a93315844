/// What a promotion does to its target lines. See docs/pricing.md for worked examples.
public enum PromotionAction: Sendable, Hashable {
    /// `percent` off every target unit.
    case percentOff(percent: Percent)
    /// A fixed amount off, per target line, per target unit, or once per cart (spread over the
    /// target lines proportionally to their value).
    case amountOff(amount: Money, per: AmountScope)
    /// Every target unit costs `unitPrice` (never more than it already costs).
    case fixedPrice(unitPrice: Money)
    /// For every `buy` target units, `get` more units get `percent` off — the cheapest units
    /// (or the most expensive ones when `cheapest` is false).
    case buyXGetY(buy: Int, get: Int, percent: Percent, cheapest: Bool)
    /// `quantity` target units for `price` ("3 for 10.00"), as many times as the cart allows.
    case multiBuy(quantity: Int, price: Money)
    /// The highest tier whose threshold the target lines' value reaches applies.
    case tieredSpend(tiers: [SpendTier])
    /// Awards loyalty points on the target lines' final value; no price change.
    case loyaltyPoints(LoyaltyRate)

    /// The action's `type` string in the promotion document.
    public var type: String {
        switch self {
        case .percentOff: "percentOff"
        case .amountOff: "amountOff"
        case .fixedPrice: "fixedPrice"
        case .buyXGetY: "buyXGetY"
        case .multiBuy: "multiBuy"
        case .tieredSpend: "tieredSpend"
        case .loyaltyPoints: "loyaltyPoints"
        }
    }

    /// Whether the action changes prices (every action except `loyaltyPoints`).
    public var isDiscount: Bool {
        if case .loyaltyPoints = self { return false }
        return true
    }

    /// Whether the action contains absolute amounts (and so requires the promotion's `currency`).
    public var hasAbsoluteAmounts: Bool {
        switch self {
        case .amountOff, .fixedPrice, .multiBuy, .tieredSpend: true
        case .percentOff, .buyXGetY, .loyaltyPoints: false
        }
    }

    /// The action types accepted in `action.type`.
    public static let types = ["percentOff", "amountOff", "fixedPrice", "buyXGetY", "multiBuy", "tieredSpend", "loyaltyPoints"]
}

/// What an `amountOff` amount applies to.
public enum AmountScope: String, Sendable, Hashable, Codable, CaseIterable {
    /// The amount comes off every target line (whatever its quantity).
    case line
    /// The amount comes off every target unit.
    case unit
    /// The amount comes off once, spread over the target lines proportionally to their value.
    case cart
}

/// One tier of a `tieredSpend` action.
public struct SpendTier: Sendable, Hashable {
    /// The reward of a tier.
    public enum Reward: Sendable, Hashable {
        /// A percentage of the target lines' value.
        case percent(Percent)
        /// A fixed amount, spread over the target lines proportionally to their value.
        case amount(Money)
    }

    /// The target lines' value must be at least this much.
    public let threshold: Money
    /// What the tier gives.
    public let reward: Reward

    /// Creates a tier.
    public init(threshold: Money, reward: Reward) {
        self.threshold = threshold
        self.reward = reward
    }
}

/// How a `loyaltyPoints` action awards points.
public enum LoyaltyRate: Sendable, Hashable {
    /// `rate` points per major unit of currency of the target lines' final value.
    case perUnitOfCurrency(PointsRate)
    /// `rate` × the tenant's base earn rate (``PricingOptions/basePointsPerUnitOfCurrency``) per
    /// major unit of the target lines' final value ("double points" is `2`).
    case multiplier(PointsRate)
}
