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
