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
    /// Snapshot indices of the promotions whose id or group is in `combinesWith`.
    let accepted: Set<Int>
    /// Cached from `promotion` for the hot path.
    let priority: Int
    let isDiscount: Bool
    let exclusive: Bool

    init(promotion: Promotion, index: Int, trigger: Int?, target: Int?, accepted: Set<Int>) {
        self.promotion = promotion
        self.index = index
        self.trigger = trigger
        self.target = target
        self.combinesWithAll = promotion.combinesWith.contains("*")
        self.accepted = accepted
        self.priority = promotion.priority
        self.isDiscount = promotion.action.isDiscount
        self.exclusive = promotion.exclusive
    }

    /// Whether this promotion accepts being stacked with `other` on the same line.
    @inline(__always)
    func accepts(_ other: CompiledPromotion) -> Bool {
        combinesWithAll || accepted.contains(other.index)
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
    }
}
