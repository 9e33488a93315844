/// What `FilterCache.prewarm(budget:resolver:maxFilters:)` did.
public struct PrewarmReport: Hashable, Sendable, Codable {
    /// Usage records considered (most used first, at most `maxFilters`).
    public var candidates = 0
    /// Entries computed.
    public var warmed = 0
    /// Entries that were already cached.
    public var alreadyCached = 0
    /// Records whose tenant or filter is gone, or whose filter changed since (another version).
    public var skipped = 0
    /// Queries that failed.
    public var failed = 0
    /// Candidates not done within the budget (their running queries still complete in the
    /// background and land in the cache).
    public var unfinished = 0
    /// The usage store could not be read (then nothing was warmed).
    public var loadError: String?
    /// Wall time spent.
    public var elapsed: Duration = .zero

    /// An empty report.
    public init() {}
}
