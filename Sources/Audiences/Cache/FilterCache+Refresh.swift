extension FilterCache {
    /// Refreshes, until the task is cancelled: every `refreshInterval` it starts recomputing the
    /// entries due (as `refreshDueEntries()` does), and every `usageSaveInterval` it persists usage statistics
    /// (once more when cancelled). The server runs it as a background service.
    public func runRefresher() async {
        // Refreshes are child tasks the loop does not wait for: a tenant whose source hangs
        // must not hold up other tenants' refreshes or the usage saves (a key already being
        // refreshed is not taken again). Cancelling the refresher cancels them.
        await withDiscardingTaskGroup { group in
            var sinceSave = Duration.zero
            while !Task.isCancelled {
                refresherActivity.withLock { $0 = "sleeping" }
                do {
                    try await clock.sleep(for: configuration.refreshInterval)
                } catch {
                    break
                }
                refresherActivity.withLock { $0 = "starting due refreshes" }
                for (key, entry, gate) in takeDueRefreshes() {
                    group.addTask { await self.load(key, request: entry.request, source: entry.source, gate: gate) }
                }
                sinceSave += configuration.refreshInterval
                if sinceSave >= configuration.usageSaveInterval, !Task.isCancelled {
                    sinceSave = .zero
                    refresherActivity.withLock { $0 = "saving usage" }
                    // On shutdown stop waiting for it; the last save below runs anyway.
                    await saveUsage(waitingAtMost: configuration.usageSaveInterval)
                }
            }
        }
        // The loop ends because shutdown cancelled this task; the last save runs in a task of
        // its own, which a cancelled context would otherwise fail at the first query. Bounded:
        // when the whole server is cancelled the store's pool shuts down at the same moment,
        // and a save stuck on it must not keep the service from stopping.
        refresherActivity.withLock { $0 = "final usage save" }
        defer { refresherActivity.withLock { $0 = "stopped" } }
        await Task { await self.saveUsage(waitingAtMost: Self.finalSaveLimit) }.value
    }

    /// Saves usage, waiting at most `limit` or until cancelled: a running statement cannot be
    /// interrupted, so a save stuck on the database is abandoned (cancelled; its transaction
    /// rolls back or fails) rather than waited for.
    func saveUsage(waitingAtMost limit: Duration) async {
        _ = try? await withDeadline(limit, expired: { CancellationError() }) { await self.saveUsageRecordingFailure() }
    }

    /// How long the last usage save at shutdown may take.
    static let finalSaveLimit = Duration.seconds(10)

    /// One refresh pass, waited for: drops expired entries and recomputes, concurrently
    /// (bounded per tenant), every entry that is close to expiry (last `refreshAheadFraction` of
    /// its TTL) and hot or slow. Requests keep being served the current entry meanwhile. Returns
    /// how many refreshes were started. (`runRefresher` starts the same refreshes without
    /// waiting for them.)
    @discardableResult
    public func refreshDueEntries() async -> Int {
        let due = takeDueRefreshes()
        // Unstructured tasks, cancelled with the caller: a tenant whose source hangs can have
        // many refreshes queued behind its few permits, each up to the statement timeout.
        let tasks = due.map { key, entry, gate in
            Task { await self.load(key, request: entry.request, source: entry.source, gate: gate) }
        }
        await withTaskCancellationHandler {
            for task in tasks { await task.value }
        } onCancel: {
            for task in tasks { task.cancel() }
        }
        return due.count
    }

    /// Drops expired entries; marks the entries due for a refresh as loading (so requests join
    /// the refresh, and no other pass takes them) and returns them with their tenant's gate.
    func takeDueRefreshes() -> [(FilterCacheKey, Entry, QueryGate)] {
        let now = clock.now()
        let configuration = configuration
        return state.withLock { state -> [(FilterCacheKey, Entry, QueryGate)] in
            var due: [(FilterCacheKey, Entry, QueryGate)] = []
            for (key, entry) in state.entries {
                if now >= entry.expiresAt {
                    state.remove(key)
                    state.stats.expirations += 1
                    continue
                }
                guard state.loads[key] == nil, Self.isDue(entry, now: now, configuration: configuration) else { continue }
                state.loads[key] = Load(reason: .refresh, starter: nil)
                due.append((key, entry, state.gate(for: key.tenant, capacity: entry.source.maxConcurrentQueries)))
            }
            return due
        }
    }

    /// Close to expiry, and hot (used often since computed) or slow (and used since).
    static func isDue(_ entry: Entry, now: CacheInstant, configuration: FilterCacheConfiguration) -> Bool {
        let ttl = entry.computedAt.duration(to: entry.expiresAt)
        let fraction = ttl * max(0, min(1, configuration.refreshAheadFraction))
        let window = min(max(fraction, configuration.refreshInterval * 2), ttl / 2)
        guard now.duration(to: entry.expiresAt) <= window else { return false }
        let hot = entry.usesSinceComputed >= max(1, configuration.hotUseCount)
        let slow = entry.lastDuration >= configuration.slowQueryThreshold && entry.usesSinceComputed >= 1
        return hot || slow
    }
}
