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

/// A compiled `target` condition shared by every promotion with an equal (normalised) target.
struct TargetMatcher: Sendable {
    /// The compiled condition.
    let condition: CompiledCondition
    /// Index-friendly necessary condition, if any.
    let prefilter: LinePrefilter?
}

/// Inverted index of prefiltered targets: line field value → targets whose prefilter accepts it.
struct TargetIndex: Sendable {
    struct Entry: Sendable {
        /// The value as written in the condition (compared byte-wise before trusting `isExact`).
        let spelling: String
        /// Targets whose prefilter contains this value.
        var targets: [Int]
    }

    /// One table per ``LinePrefilter/Field`` (indexed by its raw value).
    let tables: [[String: Entry]]
    /// Targets with no prefilter: evaluated on every line.
    let unindexed: [Int]
    /// Per target: whether its prefilter decides the match on its own.
    let isExact: [Bool]

    init(targets: [TargetMatcher]) {
        var tables = [[String: Entry]](repeating: [:], count: LinePrefilter.Field.allCases.count)
        var unindexed: [Int] = []
        for (index, target) in targets.enumerated() {
            guard let prefilter = target.prefilter else {
                unindexed.append(index)
                continue
            }
            for value in prefilter.values.sorted() {
                tables[prefilter.field.rawValue][value, default: Entry(spelling: value, targets: [])].targets.append(index)
            }
        }
        self.tables = tables
        self.unindexed = unindexed
        self.isExact = targets.map { $0.prefilter?.isExact ?? false }
    }
}
