/// What one promotion's action would do to the current state of the cart.
struct ActionOutcome {
    /// Per-line discounts (canonical line index, amount > 0), in canonical line order.
    var discounts: [(line: Int, amount: Int64)] = []
    /// Σ discounts.
    var total: Int64 = 0
    /// Applications counted against `maxApplications`.
    var applications: Int = 0
    /// Points (for `loyaltyPoints`; an estimate until the final line totals are known).
    var points: Int64 = 0
    /// Whether `maxDiscount` reduced the discount.
    var capped = false
    /// Computed with `ActionCalculator.effectOnly` and something was left out (the per-line split
    /// of a cart-level amount or of a `maxDiscount` cap): `effect` is exact, `discounts` is not.
    var partial = false
    /// Why the outcome is empty, when it is.
    var shortfall: NotAppliedReason = .noDiscount

    /// The quantity that ranks promotions of equal priority: discount, or points.
    var effect: Int64 { max(total, points) }

    /// An empty outcome with room for `lines` discounts (no regrowth while they are added).
    init(reserving lines: Int) {
        discounts.reserveCapacity(lines)
    }

    init() {}

    static func none(_ reason: NotAppliedReason) -> ActionOutcome {
        var outcome = ActionOutcome()
        outcome.shortfall = reason
        return outcome
    }
}
