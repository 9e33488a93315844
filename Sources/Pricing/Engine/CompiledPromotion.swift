import Rules

/// A promotion prepared for pricing: conditions compiled and de-duplicated, stacking sets built.
struct CompiledPromotion: Sendable {
    /// The promotion as stored.
    let promotion: Promotion
    /// Index into ``PromotionSnapshot/triggers``, `nil` = every cart.
    let trigger: Int?
    /// Index into ``PromotionSnapshot/targets``, `nil` = every line.
    let target: Int?
    /// `combinesWith` contains `"*"`.
    let combinesWithAll: Bool
    /// `combinesWith` entries (promotion ids and group names).
    let combinesWith: Set<String>

    /// Whether this promotion accepts being stacked with `other` on the same line.
    func accepts(_ other: CompiledPromotion) -> Bool {
        if combinesWithAll || combinesWith.contains(other.promotion.id) { return true }
        if let group = other.promotion.group, combinesWith.contains(group) { return true }
        return false
    }

    /// Combinability is mutual: both promotions must accept each other.
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
