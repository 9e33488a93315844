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
