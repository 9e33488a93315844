/// Per-tenant pricing settings.
public struct PricingOptions: Sendable, Hashable {
    /// How exact quotients (percentages, proportional splits' per-line shares, points) round.
    public var rounding: RoundingMode
    /// The tenant's base earn rate, used by `loyaltyPoints` promotions with a `multiplier`.
    public var basePointsPerUnitOfCurrency: PointsRate
    /// Evaluate only the promotion index's candidates (default). `false` evaluates every active
    /// promotion; results are identical either way (the index has no false negatives), only
    /// slower — the switch exists for differential testing and diagnosis.
    public var usesIndex: Bool

    /// Creates options.
    public init(rounding: RoundingMode = .halfEven, basePointsPerUnitOfCurrency: PointsRate = .one, usesIndex: Bool = true) {
        self.rounding = rounding
        self.basePointsPerUnitOfCurrency = basePointsPerUnitOfCurrency
        self.usesIndex = usesIndex
    }

    /// Half-even rounding, base earn rate 1 point per unit of currency.
    public static let `default` = PricingOptions()
}
