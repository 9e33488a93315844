/// Tuning of the filter cache; every value has a sensible default.
public struct FilterCacheConfiguration: Hashable, Sendable {
    /// Bytes of compressed bitmaps (plus key overhead) the cache may hold; least recently used
    /// entries are evicted beyond it. A single result larger than the budget is not cached.
    /// Default 256 MiB.
    public var memoryBudgetBytes: Int
    /// How often `runRefresher()` looks for entries to refresh. Default 5 s.
    public var refreshInterval: Duration
    /// An entry becomes due for refresh in the last `refreshAheadFraction` of its TTL
    /// (at least two refresh intervals, at most half the TTL). Default 0.2.
    public var refreshAheadFraction: Double
    /// Uses since it was computed that make an entry hot (refreshed ahead of expiry). Default 2.
    public var hotUseCount: Int
    /// A query at least this slow makes its entry worth refreshing after a single use. Default 1 s.
    public var slowQueryThreshold: Duration
    /// How often `runRefresher()` persists usage statistics. Default 60 s.
    public var usageSaveInterval: Duration
    /// Most usage records kept (least recently used dropped). Default 10,000.
    public var maxUsageRecords: Int
    /// Filters pre-warmed at once across all tenants (each tenant's queries are still bounded by
    /// its source's `maxConcurrentQueries`). Default 4.
    public var prewarmConcurrency: Int

    /// A configuration; see the property docs for the defaults.
    public init(memoryBudgetBytes: Int = 256 << 20, refreshInterval: Duration = .seconds(5),
                refreshAheadFraction: Double = 0.2, hotUseCount: Int = 2, slowQueryThreshold: Duration = .seconds(1),
                usageSaveInterval: Duration = .seconds(60), maxUsageRecords: Int = 10_000, prewarmConcurrency: Int = 4)
    {
        self.memoryBudgetBytes = memoryBudgetBytes
        self.refreshInterval = refreshInterval
        self.refreshAheadFraction = refreshAheadFraction
        self.hotUseCount = hotUseCount
        self.slowQueryThreshold = slowQueryThreshold
        self.usageSaveInterval = usageSaveInterval
        self.maxUsageRecords = maxUsageRecords
        self.prewarmConcurrency = prewarmConcurrency
    }
}
