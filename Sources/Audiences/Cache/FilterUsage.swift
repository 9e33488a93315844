/// Usage statistics of one cache key, persisted so a restarted process can pre-warm the filters
/// used most.
public struct FilterUsage: Hashable, Sendable, Codable {
    /// The cache key (tenant, filter, version, canonical parameters).
    public var key: FilterCacheKey
    /// The typed parameters (to run the query again after a restart).
    public var parameters: [String: ParameterValue]
    /// Requests for this key.
    public var useCount: Int
    /// When it was last requested.
    public var lastUsed: CacheInstant
    /// How long its last query took (kept by the usage store, so known after a restart once the
    /// records are loaded); nil when never measured. Orders an audience's queued filters.
    public var lastDuration: Duration?

    /// A usage record.
    public init(key: FilterCacheKey, parameters: [String: ParameterValue], useCount: Int, lastUsed: CacheInstant,
                lastDuration: Duration? = nil)
    {
        self.key = key
        self.parameters = parameters
        self.useCount = useCount
        self.lastUsed = lastUsed
        self.lastDuration = lastDuration
    }

    /// Combines two records of the same key: the larger count and the later use win.
    func merged(with other: FilterUsage) -> FilterUsage {
        var merged = self
        merged.useCount = max(useCount, other.useCount)
        if other.lastUsed > lastUsed { merged.lastUsed = other.lastUsed }
        merged.lastDuration = lastDuration ?? other.lastDuration
        return merged
    }
}
