/// Per-tenant pricing settings.
public struct PricingOptions: Sendable, Hashable {
    /// How exact quotients (percentages, proportional splits' per-line shares, points) round.
    public var rounding: RoundingMode
    /// The tenant's base earn rate, used by `loyaltyPoints` promotions with a `multiplier`.
    public var basePointsPerUnitOfCurrency: PointsRate

    /// Creates options.
    public init(rounding: RoundingMode = .halfEven, basePointsPerUnitOfCurrency: PointsRate = .one) {
        self.rounding = rounding
        self.basePointsPerUnitOfCurrency = basePointsPerUnitOfCurrency
    }

    /// Half-even rounding, base earn rate 1 point per unit of currency.
    public static let `default` = PricingOptions()
}
