/// The status of one presented coupon code.
public enum CouponStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// The code's promotion applied with this code.
    case applied
    /// No such code (or its promotion is disabled or deleted).
    case unknown
    /// The coupon's or its promotion's validity has ended.
    case expired
    /// The coupon's or its promotion's validity has not started yet.
    case notStarted = "not_started"
    /// A limited coupon with no uses left.
    case exhausted
    /// The promotion's conditions (channel, store, currency, trigger, target lines, quantities,
    /// thresholds) or the coupon's customer binding are not met.
    case conditionsNotMet = "conditions_not_met"
    /// The promotion was blocked by stacking rules, or another code for the same promotion was used.
    case notCombinable = "not_combinable"
}
