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
