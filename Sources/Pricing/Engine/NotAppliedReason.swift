/// Why a candidate promotion did not apply (stable codes, listed in docs/pricing.md).
public enum NotAppliedReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// The promotion's `currency` is not the cart's.
    case currency
    /// `startsAt` is after the pricing instant.
    case notStarted = "not_started"
    /// `endsAt` is at or before the pricing instant.
    case expired
    /// The cart's channel is not in `channels`.
    case channel
    /// The cart's store is not in `stores`.
    case store
    /// The promotion needs a coupon and no valid code for it was presented.
    case couponRequired = "coupon_required"
    /// The `trigger` did not match the cart (see `detail`).
    case conditionFailed = "condition_failed"
    /// The `target` matched no line.
    case noMatchingLines = "no_matching_lines"
    /// Too few target units for one `buyXGetY` or `multiBuy` application.
    case insufficientQuantity = "insufficient_quantity"
    /// The target lines' value is below the lowest `tieredSpend` threshold.
    case thresholdNotReached = "threshold_not_reached"
    /// The action would not lower any price (e.g. a fixed price above the current price, lines
    /// already free) or award any point.
    case noDiscount = "no_discount"
    /// An exclusive promotion with a higher priority applied.
    case blockedByExclusive = "blocked_by_exclusive"
    /// Every line it would discount is already discounted by a promotion it does not combine with.
    case notCombinable = "not_combinable"
}

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
