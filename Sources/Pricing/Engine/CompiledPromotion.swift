import Rules

/// A promotion prepared for pricing: conditions compiled and de-duplicated, stacking resolved
/// to snapshot indices.
///
/// A final class so that the hot path passes one reference instead of copying a large struct;
/// `Sendable` without `@unchecked` because every stored property is a `let` of a `Sendable` type.
final class CompiledPromotion: Sendable {
    /// The promotion as stored.
    let promotion: Promotion
    /// Position in the snapshot's canonical order.
    let index: Int
    /// Index into ``PromotionSnapshot/triggers``, `nil` = every cart.
    let trigger: Int?
    /// Index into ``PromotionSnapshot/targets``, `nil` = every line.
    let target: Int?
    /// `combinesWith` contains `"*"`.
    let combinesWithAll: Bool
    /// Bit set over snapshot indices: the promotions whose id or group is in `combinesWith`.
    let accepted: [UInt64]
    // Copied out of `promotion` so the hot path never copies the whole struct.
    let priority: Int
    let isDiscount: Bool
    let exclusive: Bool
    let requiresCoupon: Bool
    let currency: Currency?
    let startsAt: RuleDateTime?
    let endsAt: RuleDateTime?
    let channels: [String]
    let stores: [String]
    let action: PromotionAction
    let maxDiscount: Int64?
    let maxApplications: Int?

    init(promotion: Promotion, index: Int, trigger: Int?, target: Int?, accepted: [UInt64]) {
        self.promotion = promotion
        self.index = index
        self.trigger = trigger
        self.target = target
        self.combinesWithAll = promotion.combinesWith.contains("*")
        self.accepted = accepted
        self.priority = promotion.priority
        self.isDiscount = promotion.action.isDiscount
        self.exclusive = promotion.exclusive
        self.requiresCoupon = promotion.coupon
        self.currency = promotion.currency
        self.startsAt = promotion.startsAt
        self.endsAt = promotion.endsAt
        self.channels = promotion.channels
        self.stores = promotion.stores
        self.action = promotion.action
        self.maxDiscount = promotion.maxDiscount?.minorUnits
        self.maxApplications = promotion.maxApplications
    }

    /// Whether this promotion accepts being stacked with `other` on the same line.
    @inline(__always)
    func accepts(_ other: CompiledPromotion) -> Bool {
        combinesWithAll || accepted.withUnsafeBufferPointer { $0[other.index >> 6] >> UInt64(other.index & 63) & 1 == 1 }
    }

    /// Combinability is mutual: both promotions must accept each other.
    @inline(__always)
    func combines(with other: CompiledPromotion) -> Bool {
        accepts(other) && other.accepts(self)
    }
}
