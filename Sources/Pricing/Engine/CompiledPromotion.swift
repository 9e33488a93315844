import Rules

/// A promotion prepared for pricing: conditions compiled and de-duplicated, stacking resolved
/// to snapshot indices.
///
/// A final class so that the hot path passes one reference instead of copying a large struct;
/// `Sendable` without `@unchecked` because every stored property is a `let` of a `Sendable` type.
final class CompiledPromotion: Sendable {
    // Stored properties are laid out in declaration order: the fields the pre-checks and
    // stacking read come first, so they share the object's first cache lines; the large stored
    // `promotion` comes last (with thousands of promotions each candidate's object is a cache miss).
    /// Position in the snapshot's canonical order.
    let index: Int
    /// Index into ``PromotionSnapshot/triggers``, `nil` = every cart.
    let trigger: Int?
    /// Index into ``PromotionSnapshot/targets``, `nil` = every line.
    let target: Int?
    // Copied out of `promotion` so the hot path never copies the whole struct.
    let priority: Int
    let isDiscount: Bool
    let exclusive: Bool
    let requiresCoupon: Bool
    /// `combinesWith` contains `"*"`.
    let combinesWithAll: Bool
    /// This promotion's group number, -1 for none.
    let groupNumber: Int32
    let currency: Currency?
    let startsAt: RuleDateTime?
    let endsAt: RuleDateTime?
    let channels: [String]
    let stores: [String]
    /// Snapshot indices of the promotions named by id in `combinesWith` (sorted).
    let acceptedPromotions: [Int32]
    /// Group numbers named in `combinesWith` (sorted; see ``PromotionSnapshot``).
    let acceptedGroups: [Int32]
    let action: PromotionAction
    let maxDiscount: Int64?
    let maxApplications: Int?
    let id: String
    let name: String
    /// The promotion as stored.
    let promotion: Promotion

    init(promotion: Promotion, index: Int, trigger: Int?, target: Int?, acceptedPromotions: [Int32], acceptedGroups: [Int32],
         groupNumber: Int32) {
        self.promotion = promotion
        self.index = index
        self.trigger = trigger
        self.target = target
        self.combinesWithAll = promotion.combinesWith.contains("*")
        self.acceptedPromotions = acceptedPromotions
        self.acceptedGroups = acceptedGroups
        self.groupNumber = groupNumber
        self.id = promotion.id
        self.name = promotion.name
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

    /// Whether this promotion accepts being stacked with `other` on the same line (its id or
    /// group is in `combinesWith`, or `"*"` is). Sparse: memory grows with the `combinesWith`
    /// lists, not with the square of the number of promotions.
    @inline(__always)
    func accepts(_ other: CompiledPromotion) -> Bool {
        if combinesWithAll { return true }
        if other.groupNumber >= 0 && acceptedGroups.contains(other.groupNumber) { return true }
        return acceptedPromotions.contains(Int32(other.index))
    }

    /// Combinability is mutual: both promotions must accept each other.
    @inline(__always)
    func combines(with other: CompiledPromotion) -> Bool {
        accepts(other) && other.accepts(self)
    }
}
