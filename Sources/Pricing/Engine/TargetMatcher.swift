import Rules

/// A compiled `target` condition shared by every promotion with an equal (normalised) target.
struct TargetMatcher: Sendable {
    /// The compiled condition.
    let condition: CompiledCondition
    /// The condition compiled over typed line fields, when it is in the supported subset.
    let native: LinePredicate?
}

