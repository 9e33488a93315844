/// A snapshot of the filter cache's counters and gauges (export them as metrics).
/// Counters are totals since the cache was created.
public struct FilterCacheStats: Hashable, Sendable, Codable {
    /// Requests served from a fresh entry.
    public var hits = 0
    /// Requests that started a query.
    public var misses = 0
    /// Requests that joined a query already running for the same key (single flight).
    public var coalesced = 0
    /// Entries dropped to stay within the memory budget.
    public var evictions = 0
    /// Entries dropped because their TTL passed.
    public var expirations = 0
    /// Results not cached because they alone exceed the memory budget.
    public var oversized = 0
    /// Background refreshes that replaced an entry.
    public var refreshes = 0
    /// Background refreshes that failed (the old entry stays until it expires).
    public var refreshFailures = 0
    /// Entries computed by `prewarm`.
    public var prewarmed = 0
    /// Filter queries run (misses, refreshes, pre-warming), and how many of them failed.
    public var queries = 0
    public var queryFailures = 0
    /// Total seconds spent in filter queries (a histogram needs `FilterQueryEvent`s).
    public var querySeconds = 0.0
    /// Failed attempts to persist usage statistics.
    public var usageSaveFailures = 0
    /// Entries held now.
    public var entries = 0
    /// Bytes held now (bitmaps plus key overhead).
    public var bytesHeld = 0
    /// The configured budget.
    public var budgetBytes = 0
    /// Queries running or waiting for a permit now.
    public var loadsInFlight = 0
    /// Queries waiting for a permit of their tenant's source now (all permits in use). Queries
    /// still queued on a tenant's previous gate (replaced when its `maxConcurrentQueries`
    /// changed) are not counted.
    public var queriesQueued = 0
    /// Requests waiting for a running query now.
    public var waiters = 0
    /// Usage records held.
    public var usageRecords = 0

    /// Empty counters.
    public init() {}
}
