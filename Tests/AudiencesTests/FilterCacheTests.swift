import Audiences
import Roaring
import Testing

@Suite("Filter cache")
struct FilterCacheTests {
    static let horror = FilterRequest(filter: Fixtures.genre, parameters: ["genre": .string("horror"), "since": .date("2024-01-01")])
    static let comedy = FilterRequest(filter: Fixtures.genre, parameters: ["genre": .string("comedy"), "since": .date("2024-01-01")])
    static let oslo = FilterRequest(filter: Fixtures.city, parameters: ["city": .string("Oslo")])  // TTL 60 s
    static let optedOut = FilterRequest(filter: Fixtures.optedOut)  // TTL 60 s

    static func source(maxConcurrentQueries: Int = 4, onQuery: @escaping @Sendable (InMemoryMemberSource.Query) -> Void = { _ in })
        -> InMemoryMemberSource
    {
        InMemoryMemberSource(maxConcurrentQueries: maxConcurrentQueries, onQuery: onQuery) { filter, parameters in
            switch (filter.id, parameters["genre"]) {
            case ("watched_genre", .string("horror")?): Array(0..<1000)
            case ("watched_genre", _): Array(stride(from: 0, to: 200_000, by: 7))
            case ("lives_in", _): Array(500..<700)
            default: [1, 2, 3]
            }
        }
    }

    @Test func hundredConcurrentEvaluationsOfOneColdFilterRunOneQuery() async throws {
        let cache = FilterCache()
        let engine = AudienceEngine(cache: cache)
        let source = Self.source()
        source.hold()
        let definition = AudienceDefinition.filter("lives_in", params: ["city": "Oslo"])
        try await withThrowingTaskGroup(of: AudienceResult.self) { group in
            for _ in 0..<100 {
                group.addTask {
                    try await engine.evaluate(tenant: "t", definition: definition, catalog: Fixtures.catalog, source: source)
                }
            }
            #expect(await eventually { cache.stats().waiters == 100 })
            source.release()
            var origins: [Bool] = []
            for try await result in group {
                #expect(result.count == 200)
                origins.append(result.nodes[0].cached)
            }
            #expect(origins.count == 100)
        }
        #expect(source.queryCount == 1)
        let stats = cache.stats()
        #expect(stats.misses == 1 && stats.coalesced == 99 && stats.hits == 0 && stats.queries == 1)
        #expect(stats.waiters == 0 && stats.loadsInFlight == 0 && stats.entries == 1)
        #expect(cache.usage().first?.useCount == 100)
    }

    @Test func entriesExpireAfterTheirTTL() async throws {
        let clock = ManualClock()
        let cache = FilterCache(clock: clock)
        let source = Self.source()
        #expect(try await cache.fetch(Self.oslo, tenant: "t", source: source).origin == .query)
        clock.advance(by: .seconds(59))
        #expect(try await cache.fetch(Self.oslo, tenant: "t", source: source).origin == .cache)
        #expect(cache.cachedMembers(for: Self.oslo.key(tenant: "t"))?.count == 200)
        clock.advance(by: .seconds(1))
        #expect(cache.cachedMembers(for: Self.oslo.key(tenant: "t")) == nil)
        #expect(try await cache.fetch(Self.oslo, tenant: "t", source: source).origin == .query)
        #expect(source.queryCount == 2)
        let stats = cache.stats()
        #expect(stats.hits == 1 && stats.misses == 2 && stats.expirations == 1)
    }

    @Test func hotEntriesAreRefreshedAheadOfExpiry() async throws {
        let clock = ManualClock()
        let cache = FilterCache(configuration: FilterCacheConfiguration(refreshInterval: .seconds(5), hotUseCount: 2), clock: clock)
        let source = Self.source()
        _ = try await cache.fetch(Self.oslo, tenant: "t", source: source)       // computed, TTL 60 s
        _ = try await cache.fetch(Self.oslo, tenant: "t", source: source)       // 1 use since
        _ = try await cache.fetch(Self.oslo, tenant: "t", source: source)       // 2 uses: hot
        _ = try await cache.fetch(Self.optedOut, tenant: "t", source: source)   // cold: never reused
        clock.advance(by: .seconds(30))
        #expect(await cache.refreshDueEntries() == 0)                           // not yet in the last 20 %
        clock.advance(by: .seconds(20))                                         // 10 s left of 60
        #expect(await cache.refreshDueEntries() == 1)
        #expect(source.queryCount == 3)
        #expect(source.queries.last?.filterID == "lives_in")
        clock.advance(by: .seconds(30))                                         // past the first expiry
        #expect(try await cache.fetch(Self.oslo, tenant: "t", source: source).origin == .cache)
        #expect(try await cache.fetch(Self.optedOut, tenant: "t", source: source).origin == .query)
        let stats = cache.stats()
        #expect(stats.refreshes == 1 && stats.expirations == 1)
        // After the refresh the entry counts uses again from zero: one use is not hot.
        clock.advance(by: .seconds(25))
        #expect(await cache.refreshDueEntries() == 0)
    }

    @Test func slowEntriesAreRefreshedAfterOneUse() async throws {
        let clock = ManualClock()
        let source = Self.source { query in
            if query.filterID == "opted_out" { clock.advance(by: .seconds(3)) }  // a slow query
        }
        let cache = FilterCache(configuration: FilterCacheConfiguration(hotUseCount: 5, slowQueryThreshold: .seconds(2)),
                                clock: clock)
        _ = try await cache.fetch(Self.optedOut, tenant: "t", source: source)
        _ = try await cache.fetch(Self.oslo, tenant: "t", source: source)
        _ = try await cache.fetch(Self.optedOut, tenant: "t", source: source)
        _ = try await cache.fetch(Self.oslo, tenant: "t", source: source)
        clock.advance(by: .seconds(50))
        #expect(await cache.refreshDueEntries() == 1)
        #expect(source.queries.map(\.filterID) == ["opted_out", "lives_in", "opted_out"])
        #expect(cache.usage().first { $0.key.filterID == "opted_out" }?.lastDuration == .seconds(3))
    }

    @Test func theRefresherRunsUntilCancelledAndSavesUsage() async throws {
        let clock = ManualClock()
        let store = InMemoryUsageStore()
        let cache = FilterCache(configuration: FilterCacheConfiguration(refreshInterval: .seconds(5), hotUseCount: 1),
                                clock: clock, usageStore: store)
        let source = Self.source()
        _ = try await cache.fetch(Self.oslo, tenant: "t", source: source)
        _ = try await cache.fetch(Self.oslo, tenant: "t", source: source)
        let refresher = Task { await cache.runRefresher() }
        for _ in 0..<10 {  // 50 s in 5 s steps: the entry (TTL 60 s) becomes due at 48 s
            #expect(await eventually { clock.sleeperCount == 1 })
            clock.advance(by: .seconds(5))
        }
        #expect(await eventually { cache.stats().refreshes == 1 })
        #expect(await eventually { clock.sleeperCount == 1 })
        refresher.cancel()
        await refresher.value
        #expect(source.queryCount == 2)
        let saved = try await store.loadUsage()
        #expect(saved.map(\.key) == [Self.oslo.key(tenant: "t")])
        #expect(saved.first?.useCount == 2)
    }

    /// Answers its first query; every later one waits until cancelled (a source that hangs).
    final class HangsAfterFirstQuery: MemberSource {
        let maxConcurrentQueries = 1
        let calls = Mutex(0)

        func members(of filter: FilterDefinition, parameters: [String: ParameterValue]) async throws -> Bitmap {
            let call = calls.withLock { $0 += 1; return $0 }
            if call > 1 { try await Task.sleep(for: .seconds(3600)) }
            return Bitmap([1, 2, 3])
        }
    }

    /// At shutdown the refresher must not wait out refreshes stuck on a hanging source (the
    /// server's audience service did, for minutes). Without the fix: RefresherDidNotStop after 30 s.
    @Test(.timeLimit(.minutes(1))) func cancellingTheRefresherCancelsItsRefreshes() async throws {
        let clock = ManualClock()
        let cache = FilterCache(configuration: FilterCacheConfiguration(refreshInterval: .seconds(5), hotUseCount: 1), clock: clock)
        let source = HangsAfterFirstQuery()
        _ = try await cache.fetch(Self.oslo, tenant: "t", source: source)
        _ = try await cache.fetch(Self.oslo, tenant: "t", source: source)  // hot
        let refresher = Task { await cache.runRefresher() }
        while source.calls.withLock({ $0 }) < 2 {  // advance until the refresh has started
            #expect(await eventually { clock.sleeperCount == 1 || source.calls.withLock { $0 } >= 2 })
            if source.calls.withLock({ $0 }) < 2 { clock.advance(by: .seconds(5)) }
        }
        refresher.cancel()
        struct RefresherDidNotStop: Error {}
        try await withDeadline(.seconds(30), expired: { RefresherDidNotStop() }) { await refresher.value }
        #expect(cache.stats().refreshFailures == 1)
    }

    /// A tenant whose source hangs must not hold up other tenants' refreshes (found by review:
    /// each pass waited for every refresh it started, so one stuck refresh stopped them all).
    @Test(.timeLimit(.minutes(1))) func aHangingTenantDoesNotHoldUpOtherTenantsRefreshes() async throws {
        let clock = ManualClock()
        let cache = FilterCache(configuration: FilterCacheConfiguration(refreshInterval: .seconds(5), hotUseCount: 1), clock: clock)
        let hanging = HangsAfterFirstQuery()
        _ = try await cache.fetch(Self.oslo, tenant: "stuck", source: hanging)
        _ = try await cache.fetch(Self.oslo, tenant: "stuck", source: hanging)  // hot
        clock.advance(by: .seconds(30))
        let healthy = Self.source()
        _ = try await cache.fetch(Self.oslo, tenant: "fine", source: healthy)
        _ = try await cache.fetch(Self.oslo, tenant: "fine", source: healthy)  // hot, due 30 s after the stuck one
        let refresher = Task { await cache.runRefresher() }
        defer { refresher.cancel() }
        for _ in 0..<20 where healthy.queries.count < 2 {
            guard await eventually({ clock.sleeperCount == 1 }) else { break }  // the next pass is waiting
            clock.advance(by: .seconds(5))
        }
        #expect(hanging.calls.withLock { $0 } == 2, "the stuck tenant's refresh started")
        #expect(await eventually { healthy.queries.count == 2 }, "the other tenant's entry was refreshed")
    }

    @Test func leastRecentlyUsedEntriesAreEvictedBeyondTheBudget() async throws {
        let source = Self.source()
        let sizes = [Self.horror, Self.oslo, Self.optedOut].map { request in
            FilterCache.chargedBytes(
                Bitmap(request.filter.id == "watched_genre" ? Array(0..<1000) : request.filter.id == "lives_in" ? Array(500..<700) : [1, 2, 3]),
                key: request.key(tenant: "t"))
        }
        let budget = sizes[0] + sizes[1] + sizes[2] - 1  // one short of holding all three
        let cache = FilterCache(configuration: FilterCacheConfiguration(memoryBudgetBytes: budget))
        _ = try await cache.fetch(Self.horror, tenant: "t", source: source)
        _ = try await cache.fetch(Self.oslo, tenant: "t", source: source)
        _ = try await cache.fetch(Self.horror, tenant: "t", source: source)  // oslo is now least recently used
        _ = try await cache.fetch(Self.optedOut, tenant: "t", source: source)
        #expect(cache.cachedMembers(for: Self.oslo.key(tenant: "t")) == nil)
        #expect(cache.cachedMembers(for: Self.horror.key(tenant: "t")) != nil)
        #expect(cache.cachedMembers(for: Self.optedOut.key(tenant: "t")) != nil)
        let stats = cache.stats()
        #expect(stats.evictions == 1 && stats.entries == 2)
        #expect(stats.bytesHeld == sizes[0] + sizes[2] && stats.bytesHeld <= stats.budgetBytes)
        #expect(try await cache.fetch(Self.oslo, tenant: "t", source: source).origin == .query)
    }

    /// Client-chosen parameters count against the budget: 40 small results with 4 KB
    /// parameters each no longer pass for 300 bytes apiece (found by review).
    @Test func largeParametersCountAgainstTheBudget() async throws {
        let cache = FilterCache(configuration: FilterCacheConfiguration(memoryBudgetBytes: 64 * 1024))
        let source = Self.source()
        for index in 0..<40 {
            let city = String(repeating: "x", count: 4096 - 4) + String(format: "%04d", index)
            _ = try await cache.fetch(FilterRequest(filter: Fixtures.city, parameters: ["city": .string(city)]), tenant: "t", source: source)
        }
        let stats = cache.stats()
        #expect(stats.bytesHeld <= stats.budgetBytes)
        #expect(stats.entries <= 5 && stats.evictions >= 35, "\(stats.entries) entries, \(stats.evictions) evictions")
    }

    @Test func aResultLargerThanTheBudgetIsNotCached() async throws {
        let cache = FilterCache(configuration: FilterCacheConfiguration(memoryBudgetBytes: 1024))
        let source = Self.source()
        let fetch = try await cache.fetch(Self.comedy, tenant: "t", source: source)
        #expect(fetch.members.count == 28_572)
        #expect(try await cache.fetch(Self.comedy, tenant: "t", source: source).origin == .query)
        let stats = cache.stats()
        #expect(stats.oversized == 2 && stats.entries == 0 && stats.bytesHeld == 0)
    }

    @Test func failuresAreNotCachedAndReachEveryWaiter() async throws {
        let cache = FilterCache()
        let source = Self.source()
        source.fail("opted_out")
        source.hold()
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    do {
                        _ = try await cache.fetch(Self.optedOut, tenant: "t", source: source)
                        return false
                    } catch is SourceFailure {
                        return true
                    }
                }
            }
            #expect(await eventually { cache.stats().waiters == 3 })
            source.release()
            for try await failed in group { #expect(failed) }
        }
        #expect(cache.stats().queryFailures == 1 && cache.stats().entries == 0)
        await #expect(throws: SourceFailure.self) { try await cache.fetch(Self.optedOut, tenant: "t", source: source) }
        #expect(source.queryCount == 2)
    }

    @Test func aCancelledWaiterStopsWaitingButTheQueryStillLands() async throws {
        let cache = FilterCache()
        let source = Self.source()
        source.hold()
        let waiter = Task { try await cache.fetch(Self.oslo, tenant: "t", source: source) }
        #expect(await eventually { source.heldCount == 1 })
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        source.release()
        #expect(await eventually { cache.stats().entries == 1 })
        #expect(try await cache.fetch(Self.oslo, tenant: "t", source: source).origin == .cache)
        #expect(source.queryCount == 1)
    }

    @Test func invalidationDropsEntriesAndDiscardsRunningQueries() async throws {
        let cache = FilterCache()
        let source = Self.source()
        _ = try await cache.fetch(Self.oslo, tenant: "t", source: source)
        _ = try await cache.fetch(Self.oslo, tenant: "u", source: source)
        source.hold()
        let running = Task { try await cache.fetch(Self.optedOut, tenant: "t", source: source) }
        #expect(await eventually { source.heldCount == 1 })
        cache.invalidate(tenant: "t")
        source.release()
        #expect(try await running.value.members.count == 3)  // the waiter still gets its answer
        #expect(cache.cachedMembers(for: Self.oslo.key(tenant: "t")) == nil)
        #expect(cache.cachedMembers(for: Self.optedOut.key(tenant: "t")) == nil)
        #expect(cache.cachedMembers(for: Self.oslo.key(tenant: "u")) != nil)
    }

    @Test func editingAFilterChangesItsKey() {
        var edited = Fixtures.city
        edited.sql = "SELECT id FROM members WHERE lower(city) = lower(:city)"
        let before = Self.oslo.key(tenant: "t")
        let after = FilterRequest(filter: edited, parameters: Self.oslo.parameters).key(tenant: "t")
        #expect(before.filterID == after.filterID && before.fingerprint != after.fingerprint)
    }

    @Test func theMostUsedFiltersArePrewarmedAfterARestart() async throws {
        let store = InMemoryUsageStore()
        let first = FilterCache(usageStore: store)
        let source = Self.source()
        for (request, uses) in [(Self.oslo, 2), (Self.horror, 5), (Self.optedOut, 1), (Self.comedy, 3)] {
            for _ in 0..<uses { _ = try await first.fetch(request, tenant: "t", source: source) }
        }
        try await first.saveUsage()

        // A new process: same store, cold cache, one query at a time so the order shows.
        let restartedSource = Self.source(maxConcurrentQueries: 1)
        var edited = Fixtures.optedOut
        edited.sql = "SELECT member_id FROM optouts WHERE channel = 'email'"  // changed since: skipped
        let resolver = CatalogResolver(catalog: FilterCatalog([Fixtures.genre, Fixtures.city, edited]), source: restartedSource)
        let second = FilterCache(configuration: FilterCacheConfiguration(prewarmConcurrency: 1), usageStore: store)
        let report = await second.prewarm(budget: .seconds(600), resolver: resolver, maxFilters: 10)
        #expect(report.candidates == 4 && report.warmed == 3 && report.skipped == 1 && report.unfinished == 0)
        #expect(report.loadError == nil)
        #expect(restartedSource.queries == [Self.horror, Self.comedy, Self.oslo].map {
            InMemoryMemberSource.Query(filterID: $0.filter.id, parameters: $0.canonicalParameters)
        })
        #expect(second.stats().prewarmed == 3)
        for request in [Self.horror, Self.comedy, Self.oslo] {
            #expect(try await second.fetch(request, tenant: "t", source: restartedSource).origin == .cache)
        }
        #expect(restartedSource.queryCount == 3)
        #expect(second.usage().first { $0.key == Self.horror.key(tenant: "t") }?.useCount == 6)

        // maxFilters bounds the work.
        let third = FilterCache(usageStore: store)
        let limited = await third.prewarm(budget: .seconds(600), resolver: resolver, maxFilters: 1)
        #expect(limited.candidates == 1 && limited.warmed == 1)
    }

    @Test func prewarmingStopsAtItsBudget() async throws {
        let store = InMemoryUsageStore()
        let source = Self.source(maxConcurrentQueries: 1)
        let first = FilterCache(usageStore: store)
        _ = try await first.fetch(Self.oslo, tenant: "t", source: source)
        _ = try await first.fetch(Self.optedOut, tenant: "t", source: source)
        try await first.saveUsage()

        let clock = ManualClock()
        let cache = FilterCache(clock: clock, usageStore: store)
        source.hold()
        let prewarm = Task {
            await cache.prewarm(budget: .seconds(2), resolver: CatalogResolver(catalog: Fixtures.catalog, source: source))
        }
        #expect(await eventually { source.heldCount == 1 && clock.sleeperCount == 1 })
        clock.advance(by: .seconds(2))
        let report = await prewarm.value
        #expect(report.candidates == 2 && report.warmed == 0 && report.unfinished == 2)
        source.release()
        #expect(await eventually { cache.stats().loadsInFlight == 0 })
        #expect(cache.stats().entries >= 1)  // the query running at the deadline still landed
    }

    @Test func aBrokenUsageStoreIsReported() async {
        struct Broken: FilterUsageStore {
            struct Failure: Error {}
            func loadUsage() async throws -> [FilterUsage] { throw Failure() }
            func saveUsage(_ usage: [FilterUsage]) async throws { throw Failure() }
        }
        let cache = FilterCache(usageStore: Broken())
        let report = await cache.prewarm(budget: .seconds(1), resolver: CatalogResolver(catalog: Fixtures.catalog, source: Self.source()))
        #expect(report.loadError != nil && report.candidates == 0)
    }

    @Test func queriesAreReportedToTheObserver() async throws {
        let events = EventLog()
        let cache = FilterCache(observer: { events.append($0) })
        _ = try await cache.fetch(Self.oslo, tenant: "t", source: Self.source())
        let recorded = events.events
        #expect(recorded.count == 1)
        #expect(recorded.first?.filterID == "lives_in" && recorded.first?.reason == .miss && recorded.first?.count == 200)
    }
}

import Synchronization

final class EventLog: Sendable {
    private let storage = Mutex<[FilterQueryEvent]>([])
    func append(_ event: FilterQueryEvent) { storage.withLock { $0.append(event) } }
    var events: [FilterQueryEvent] { storage.withLock { $0 } }
}
