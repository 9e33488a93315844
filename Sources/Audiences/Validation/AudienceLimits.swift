/// Bounds checked when an audience is resolved against the filter catalog.
public struct AudienceLimits: Hashable, Sendable {
    /// Most nested groups on any path from the root (a root group counts as 1). Default 3.
    public var maxDepth: Int
    /// Most leaves in one audience. Default 64.
    public var maxFilters: Int

    /// Limits with the given values.
    public init(maxDepth: Int = 3, maxFilters: Int = 64) {
        self.maxDepth = maxDepth
        self.maxFilters = maxFilters
    }
}
