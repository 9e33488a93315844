import Rules

/// A compiled `target` condition shared by every promotion with an equal (normalised) target.
struct TargetMatcher: Sendable {
    /// The compiled condition.
    let condition: CompiledCondition
    /// Index-friendly necessary condition, if any.
    let prefilter: LinePrefilter?
    /// The condition compiled over typed line fields, when it is in the supported subset.
    let native: LinePredicate?
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
    /// Per target: whether its prefilter decides the match on its own.
    let isExact: [Bool]

    init(targets: [TargetMatcher]) {
        var tables = [[String: Entry]](repeating: [:], count: LinePrefilter.Field.allCases.count)
        for (index, target) in targets.enumerated() {
            guard let prefilter = target.prefilter else { continue }
            for value in prefilter.values.sorted() {
                tables[prefilter.field.rawValue][value, default: Entry(spelling: value, targets: [])].targets.append(index)
            }
        }
        self.tables = tables
        self.isExact = targets.map { $0.prefilter?.isExact ?? false }
    }
}
