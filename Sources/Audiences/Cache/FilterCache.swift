import Roaring
import Synchronization

/// The per-process cache of filter results, keyed by tenant, filter, filter version and
/// canonical parameters (`FilterCacheKey`).
///
/// - **TTL**: an entry is served for the filter's `cacheTTLSeconds` after it was computed.
/// - **Single flight**: concurrent requests for a key that is not cached share one query.
/// - **Memory budget**: least recently used entries are evicted when the bitmaps held exceed
///   `memoryBudgetBytes`.
/// - **Bounded queries**: per tenant, at most the source's `maxConcurrentQueries` queries run at
///   once (misses, refreshes and pre-warming alike).
/// - **Refresh-ahead**: `runRefresher()` recomputes entries close to expiry that are hot (used
///   `hotUseCount` times since computed) or slow (query ≥ `slowQueryThreshold`, used since).
/// - **Usage statistics** (count, last used, last duration per key) are persisted through a
///   `FilterUsageStore`, and `prewarm(budget:resolver:maxFilters:)` computes the most used keys at
///   start-up.
///
/// `Sendable` without `@unchecked`: all mutable state is inside a `Mutex`; no lock is held
/// across a suspension point.
public final class FilterCache: Sendable {
    /// The configuration in use.
    public let configuration: FilterCacheConfiguration
    let clock: any CacheClock
    let usageStore: (any FilterUsageStore)?
    let observer: (@Sendable (FilterQueryEvent) -> Void)?
    let state: Mutex<State>
    /// What the refresher is doing (for diagnosing a stop that does not finish).
    let refresherActivity = Mutex("not running")
    public var refresherStage: String { refresherActivity.withLock { $0 } }

    /// A cache with `configuration`, reading time from `clock`, persisting usage to `usageStore`,
    /// and reporting every filter query to `observer` (e.g. for a duration histogram).
    public init(configuration: FilterCacheConfiguration = FilterCacheConfiguration(),
                clock: any CacheClock = SystemCacheClock(), usageStore: (any FilterUsageStore)? = nil,
                observer: (@Sendable (FilterQueryEvent) -> Void)? = nil)
    {
        self.configuration = configuration
        self.clock = clock
        self.usageStore = usageStore
        self.observer = observer
        state = Mutex(State(configuration: configuration))
    }

    /// The members `request` selects for `tenant`: from a fresh entry, from a query already
    /// running for the same key, or from a new query on `source`. Counts as a use of the key.
    ///
    /// A query it starts queues for a permit as arriving at `arrival` (default: now; an audience
    /// evaluation passes its start, so its filters queue together, the slowest first: see
    /// `QueuePosition`).
    ///
    /// Cancelling the calling task stops the wait (throws `CancellationError`); a query it
    /// started keeps running for the other waiters and the cache.
    public func fetch(_ request: FilterRequest, tenant: String, source: some MemberSource,
                      arrival: ContinuousClock.Instant? = nil) async throws -> FilterFetch
    {
        try await acquire(request, key: request.key(tenant: tenant), source: source, reason: .miss, arrival: arrival ?? .now)
    }

    /// A fresh entry's members without counting a use or querying (nil when not cached).
    public func cachedMembers(for key: FilterCacheKey) -> Bitmap? {
        let now = clock.now()
        return state.withLock { state in
            guard let entry = state.entries[key], now < entry.expiresAt else { return nil }
            return entry.members
        }
    }

    /// How long the last query for `key` took (from the usage statistics, so also after the
    /// entry expired or the process restarted); nil when unknown.
    public func lastQueryDuration(of key: FilterCacheKey) -> Duration? {
        state.withLock { $0.usage[key]?.lastDuration }
    }

    /// How long a query for `key` is expected to take: its last query time, else its filter's
    /// last with other parameters, else zero (what orders an audience's filters).
    public func expectedQueryDuration(of key: FilterCacheKey) -> Duration {
        state.withLock { $0.expectedDuration(of: key) }
    }

    /// Drops `tenant`'s entries (of `filterID` only, when given), e.g. after a filter was edited
    /// or deleted; queries running for them still answer their waiters but are not cached.
    public func invalidate(tenant: String, filterID: String? = nil) {
        state.withLock { state in
            let matches = { (key: FilterCacheKey) in key.tenant == tenant && (filterID == nil || key.filterID == filterID) }
            for key in state.entries.keys where matches(key) { state.remove(key) }
            for key in state.loads.keys where matches(key) { state.loads[key]?.discarded = true }
        }
    }

    /// Counters and gauges now.
    public func stats() -> FilterCacheStats {
        let (snapshot, gates) = state.withLock { ($0.snapshot, Array($0.gates.values)) }
        var stats = snapshot
        stats.queriesQueued = gates.reduce(0) { $0 + $1.waiting }  // outside the lock every fetch takes
        return stats
    }

    /// The usage records held, most used first.
    public func usage() -> [FilterUsage] {
        state.withLock { Array($0.usage.values) }.sorted(by: Self.moreUsed)
    }

    static func moreUsed(_ a: FilterUsage, _ b: FilterUsage) -> Bool {
        a.useCount != b.useCount ? a.useCount > b.useCount : a.lastUsed > b.lastUsed
    }

    // MARK: - Loading

    private enum Decision {
        case hit(Bitmap)
        case start(QueryGate, QueuePosition)
        case joined
        case cancelled
    }

    /// The shared path of `fetch` (reason `.miss`, counts a use) and pre-warming.
    func acquire(_ request: FilterRequest, key: FilterCacheKey, source: some MemberSource,
                 reason: FilterQueryEvent.Reason, arrival: ContinuousClock.Instant = .now) async throws -> FilterFetch
    {
        let started = clock.now()
        let countsUse = reason == .miss
        let fast = state.withLock { state -> Bitmap? in
            let members = state.hit(key, now: started, countsUse: countsUse)
            if members != nil, countsUse { state.recordUse(key, request: request, now: started) }
            return members
        }
        if let fast { return FilterFetch(members: fast, origin: .cache, duration: started.duration(to: clock.now())) }

        let id = state.withLock { $0.allocateWaiter() }
        let outcome = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<LoadOutcome, any Error>) in
                let decision = state.withLock { state -> Decision in
                    state.pendingWaiters.remove(id)
                    if state.cancelledWaiters.remove(id) != nil { return .cancelled }
                    if let members = state.hit(key, now: started, countsUse: countsUse) {
                        if countsUse { state.recordUse(key, request: request, now: started) }
                        return .hit(members)
                    }
                    if countsUse { state.recordUse(key, request: request, now: started) }
                    if state.loads[key] != nil {
                        state.loads[key]?.waiters[id] = continuation
                        state.stats.coalesced += 1
                        return .joined
                    }
                    state.loads[key] = Load(reason: reason, starter: id, waiters: [id: continuation])
                    if countsUse { state.stats.misses += 1 }
                    return .start(state.gate(for: key.tenant, capacity: source.maxConcurrentQueries),
                                  QueuePosition(arrival: arrival, expected: state.expectedDuration(of: key)))
                }
                switch decision {
                case .hit(let members): continuation.resume(returning: LoadOutcome(members: members, origin: .cache))
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .joined: break
                case .start(let gate, let position):
                    Task { await self.load(key, request: request, source: source, gate: gate, position: position) }
                }
            }
        } onCancel: {
            let continuation = state.withLock { $0.cancelWaiter(id) }
            continuation?.resume(throwing: CancellationError())
        }
        return FilterFetch(members: outcome.members, origin: outcome.origin, duration: started.duration(to: clock.now()))
    }

    /// Runs the query of a registered load (holding a permit of the tenant's gate, queued at
    /// `position`; default: now), stores the result and answers the load's waiters.
    func load(_ key: FilterCacheKey, request: FilterRequest, source: some MemberSource, gate: QueryGate,
              position: QueuePosition? = nil) async
    {
        var queryDuration = Duration.zero
        let result: Result<Bitmap, any Error>
        do {
            let members = try await gate.withPermit(at: position) {
                let started = clock.now()
                defer { queryDuration = started.duration(to: clock.now()) }
                return try await source.members(of: request.filter, parameters: request.parameters)
            }
            result = .success(members)
        } catch {
            result = .failure(error)
        }
        let finished = clock.now()
        let finishedLoad = state.withLock { state -> Load? in
            guard let load = state.loads.removeValue(forKey: key) else { return nil }
            state.stats.queries += 1
            state.stats.querySeconds += Double(queryDuration.nanoseconds) / 1e9
            switch result {
            case .success(let members):
                state.recordDuration(queryDuration, of: key)
                if load.reason == .refresh { state.stats.refreshes += 1 }
                if load.reason == .prewarm { state.stats.prewarmed += 1 }
                if !load.discarded {
                    let ttl = Duration.seconds(max(0, request.filter.cacheTTLSeconds))
                    state.store(key, Entry(
                        members: members, bytes: Self.chargedBytes(members, key: key), request: request,
                        source: source, computedAt: finished, expiresAt: finished.advanced(by: ttl),
                        lastDuration: queryDuration))
                }
            case .failure:
                state.stats.queryFailures += 1
                if load.reason == .refresh { state.stats.refreshFailures += 1 }
            }
            return load
        }
        observer?(FilterQueryEvent(
            tenant: key.tenant, filterID: key.filterID, reason: finishedLoad?.reason ?? .miss, duration: queryDuration,
            count: try? result.get().count, failure: result.failureDescription))
        guard let finishedLoad else { return }
        for (id, continuation) in finishedLoad.waiters {
            switch result {
            case .success(let members):
                continuation.resume(returning: LoadOutcome(members: members, origin: id == finishedLoad.starter ? .query : .shared))
            case .failure(let error):
                continuation.resume(throwing: error)
            }
        }
    }
}

extension Result {
    fileprivate var failureDescription: String? {
        if case .failure(let error) = self { return String(describing: error) }
        return nil
    }
}
