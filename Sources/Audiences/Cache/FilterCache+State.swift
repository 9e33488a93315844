import Roaring

extension FilterCache {
    /// A cached result.
    struct Entry {
        var members: Bitmap
        var bytes: Int
        var request: FilterRequest
        var source: any MemberSource
        var computedAt: CacheInstant
        var expiresAt: CacheInstant
        var lastDuration: Duration
        var usesSinceComputed = 0
    }

    /// What a load's waiters receive.
    struct LoadOutcome: Sendable {
        var members: Bitmap
        var origin: FilterFetch.Origin
    }

    /// A query running (or waiting for a permit) for one key; requests for the key wait on it.
    struct Load {
        var reason: FilterQueryEvent.Reason
        var starter: Int?
        var waiters: [Int: CheckedContinuation<LoadOutcome, any Error>] = [:]
        /// Set by `invalidate`: the result is handed to waiters but not cached.
        var discarded = false
    }

    /// Everything behind the cache's lock.
    struct State {
        let configuration: FilterCacheConfiguration
        var entries: [FilterCacheKey: Entry] = [:]
        var recency = LRUList<FilterCacheKey>()
        var loads: [FilterCacheKey: Load] = [:]
        var usage: [FilterCacheKey: FilterUsage] = [:]
        /// The last query time of each (tenant, filter id), whatever its parameters.
        var filterDurations: [FilterOfTenant: Duration] = [:]
        var gates: [String: QueryGate] = [:]
        var stats = FilterCacheStats()
        var nextWaiterID = 0
        /// Waiter ids allocated but not yet registered, and those cancelled in between.
        var pendingWaiters: Set<Int> = []
        var cancelledWaiters: Set<Int> = []

        /// The key's last query time, else its filter's with other parameters (editing an audience
        /// changes parameters more often than filters), else zero: how long a query is expected to take.
        func expectedDuration(of key: FilterCacheKey) -> Duration {
            usage[key]?.lastDuration ?? filterDurations[FilterOfTenant(key)] ?? .zero
        }

        mutating func recordDuration(_ duration: Duration, of key: FilterCacheKey) {
            usage[key]?.lastDuration = duration
            if filterDurations.count >= configuration.maxUsageRecords { filterDurations.removeAll() }  // a hint; bounds memory
            filterDurations[FilterOfTenant(key)] = duration
        }

        init(configuration: FilterCacheConfiguration) {
            self.configuration = configuration
            stats.budgetBytes = configuration.memoryBudgetBytes
        }

        /// A fresh entry's members (counting a hit and a use when `countsUse`), or nil (dropping
        /// an expired entry).
        mutating func hit(_ key: FilterCacheKey, now: CacheInstant, countsUse: Bool) -> Bitmap? {
            guard let entry = entries[key] else { return nil }
            guard now < entry.expiresAt else {
                remove(key)
                stats.expirations += 1
                return nil
            }
            guard countsUse else { return entry.members }
            entries[key]?.usesSinceComputed += 1
            recency.touch(key)
            stats.hits += 1
            return entry.members
        }

        mutating func recordUse(_ key: FilterCacheKey, request: FilterRequest, now: CacheInstant) {
            if var record = usage[key] {
                record.useCount += 1
                record.lastUsed = now
                usage[key] = record
            } else {
                usage[key] = FilterUsage(key: key, parameters: request.parameters, useCount: 1, lastUsed: now)
                trimUsage()
            }
        }

        /// Keeps at most `maxUsageRecords` (plus 10 % slack, to trim in batches).
        mutating func trimUsage() {
            let limit = max(1, configuration.maxUsageRecords)
            guard usage.count > limit + limit / 10 else { return }
            let keep = usage.values.sorted { $0.lastUsed > $1.lastUsed }.prefix(limit)
            usage = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0) })
        }

        /// `tenant`'s gate; a new one when the capacity changed (the member source's settings
        /// did; queries holding the old gate's permits finish on it).
        mutating func gate(for tenant: String, capacity: Int) -> QueryGate {
            if let gate = gates[tenant], gate.capacity == max(1, capacity) { return gate }
            let gate = QueryGate(capacity: capacity)
            gates[tenant] = gate
            return gate
        }

        /// Stores a computed result and evicts least recently used entries beyond the budget.
        mutating func store(_ key: FilterCacheKey, _ entry: Entry) {
            remove(key)
            guard entry.bytes <= configuration.memoryBudgetBytes else {
                stats.oversized += 1
                return
            }
            entries[key] = entry
            recency.touch(key)
            stats.bytesHeld += entry.bytes
            while stats.bytesHeld > configuration.memoryBudgetBytes, let oldest = recency.oldest, oldest != key {
                remove(oldest)
                stats.evictions += 1
            }
        }

        mutating func remove(_ key: FilterCacheKey) {
            guard let entry = entries.removeValue(forKey: key) else { return }
            recency.remove(key)
            stats.bytesHeld -= entry.bytes
        }

        /// Allocates a waiter id (registered later, or cancelled in between).
        mutating func allocateWaiter() -> Int {
            nextWaiterID += 1
            pendingWaiters.insert(nextWaiterID)
            return nextWaiterID
        }

        /// Removes a cancelled waiter; returns its continuation when it was registered.
        mutating func cancelWaiter(_ id: Int) -> CheckedContinuation<LoadOutcome, any Error>? {
            for (key, load) in loads {
                if let continuation = load.waiters[id] {
                    loads[key]?.waiters[id] = nil
                    return continuation
                }
            }
            if pendingWaiters.contains(id) { cancelledWaiters.insert(id) }
            return nil
        }

        var snapshot: FilterCacheStats {
            var snapshot = stats
            snapshot.entries = entries.count
            snapshot.loadsInFlight = loads.count
            snapshot.waiters = loads.values.reduce(0) { $0 + $1.waiters.count }
            snapshot.usageRecords = usage.count
            return snapshot
        }
    }

    /// Bytes charged per entry on top of the bitmap and the key (bookkeeping).
    static let entryOverheadBytes = 256

    /// What an entry is charged against the memory budget: its bitmap (serialised size, which
    /// is what it holds: `Bitmap(_:)` gives back the containers' spare capacity), its key (whose
    /// parameters are held three times: the key in the map and in the recency list, the typed
    /// request; client-chosen parameters of kilobytes each once made 300 MB count as 7 MB), and
    /// bookkeeping.
    public static func chargedBytes(_ members: Bitmap, key: FilterCacheKey) -> Int {
        members.sizeInBytes + entryOverheadBytes + 3 * key.parameters.utf8.count
            + key.tenant.utf8.count + key.filterID.utf8.count + key.fingerprint.utf8.count
    }
}

/// A tenant's filter, whatever its version and parameters.
struct FilterOfTenant: Hashable {
    var tenant: String
    var filterID: String

    init(_ key: FilterCacheKey) {
        tenant = key.tenant
        filterID = key.filterID
    }
}
