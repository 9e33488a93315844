@testable import Audiences
import Synchronization
import Testing

/// Labels in the order their bodies ran (a class: a `Mutex` cannot be captured by escaping
/// closures). `Sendable` without `@unchecked`: its only state is a `Mutex`.
private final class RunLog: Sendable {
    let labels = Mutex<[String]>([])
}

/// The order in which queued filter queries get a permit: first come, first served between
/// arrivals (an audience evaluation is one arrival), the longest expected first within one.
@Suite("Query order")
struct QueryOrderTests {
    /// Runs `bodies` (label, queue position) against a gate of one permit held by a blocker, each
    /// queued after the previous one, and returns the order they ran in.
    private static func order(of bodies: [(String, QueuePosition?)]) async throws -> [String] {
        let gate = QueryGate(capacity: 1)
        let ran = RunLog()
        let (blocked, unblock) = AsyncStream.makeStream(of: Void.self)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await gate.withPermit { for await _ in blocked {} } }
            #expect(await eventually { gate.inUse == 1 })
            for (index, (label, position)) in bodies.enumerated() {
                group.addTask { try await gate.withPermit(at: position) { ran.labels.withLock { $0.append(label) } } }
                #expect(await eventually { gate.waiting == index + 1 })
            }
            unblock.finish()
            try await group.waitForAll()
            return ran.labels.withLock { $0 }
        }
    }

    @Test func separateArrivalsAreServedInArrivalOrder() async throws {
        #expect(try await Self.order(of: [("a", nil), ("b", nil), ("c", nil)]) == ["a", "b", "c"])
    }

    @Test func withinOneArrivalTheLongestExpectedGoesFirst() async throws {
        let now = ContinuousClock.now
        let order = try await Self.order(of: [
            ("short", QueuePosition(arrival: now, expected: .milliseconds(10))), ("unknown", QueuePosition(arrival: now)),
            ("slow", QueuePosition(arrival: now, expected: .seconds(20))), ("medium", QueuePosition(arrival: now, expected: .seconds(3))),
            ("unknown too", QueuePosition(arrival: now)),
        ])
        #expect(order == ["slow", "medium", "short", "unknown", "unknown too"])
    }

    @Test func aLaterArrivalDoesNotOvertakeHoweverLong() async throws {
        let now = ContinuousClock.now
        let order = try await Self.order(of: [
            ("later, slow", QueuePosition(arrival: now + .milliseconds(1), expected: .seconds(3600))),
            ("earlier", QueuePosition(arrival: now)),
        ])
        #expect(order == ["earlier", "later, slow"])
    }

    /// A filter cache with one permit per tenant, held by a query of `lives_in` until the source
    /// is released; `spent_at_least` has taken 5 s before, the others 10 ms.
    private static func blockedCache() async throws -> (FilterCache, AudienceEngine, InMemoryMemberSource, Task<FilterFetch, any Error>) {
        let clock = ManualClock()
        let source = InMemoryMemberSource(maxConcurrentQueries: 1, onQuery: { query in
            clock.advance(by: query.filterID == spent.filter.id ? .seconds(5) : .milliseconds(10))
        }) { filter, _ in filter.id == "lives_in" ? [1, 2] : [1, 2, 3] }
        let cache = FilterCache(clock: clock)
        for request in [spent, horror, Self.optedOut] { _ = try await cache.fetch(request, tenant: "t", source: source) }
        #expect(cache.lastQueryDuration(of: spent.key(tenant: "t")) == .seconds(5))
        cache.invalidate(tenant: "t")  // results dropped, query times kept
        source.hold()
        let blocker = Task { try await cache.fetch(oslo, tenant: "t", source: source) }
        #expect(await eventually { source.heldCount == 1 })
        return (cache, AudienceEngine(cache: cache), source, blocker)
    }

    static let spent = FilterRequest(filter: Fixtures.spent, parameters: ["amount": .decimal("100")])
    static let horror = FilterRequest(filter: Fixtures.genre, parameters: ["genre": .string("horror"), "since": .date("2024-01-01")])
    static let optedOut = FilterRequest(filter: Fixtures.optedOut)
    static let oslo = FilterRequest(filter: Fixtures.city, parameters: ["city": .string("Oslo")])

    /// Queries run after the blocker, by filter id.
    private static func runAfterBlocker(_ source: InMemoryMemberSource, count: Int) -> [String] {
        source.queries.suffix(count).map(\.filterID)
    }

    /// Fetches `requests` directly from the cache as one arrival (as one evaluation would), each
    /// queued behind the blocker before the next; releases the source and returns the order the
    /// queries ran in after the blocker.
    private static func runAsOneArrival(_ requests: [FilterRequest], cache: FilterCache, source: InMemoryMemberSource,
                                        blocker: Task<FilterFetch, any Error>) async throws -> [String]
    {
        let arrival = ContinuousClock.now
        var fetches: [Task<FilterFetch, any Error>] = []
        for (index, request) in requests.enumerated() {
            fetches.append(Task { try await cache.fetch(request, tenant: "t", source: source, arrival: arrival) })
            #expect(await eventually { cache.stats().queriesQueued == index + 1 })
        }
        source.release()
        _ = try await blocker.value
        for fetch in fetches { _ = try await fetch.value }
        return runAfterBlocker(source, count: requests.count)
    }

    @Test func theCacheQueuesAMissByItsKeysLastQueryTime() async throws {
        let (cache, _, source, blocker) = try await Self.blockedCache()
        let order = try await Self.runAsOneArrival([Self.horror, Self.spent], cache: cache, source: source, blocker: blocker)
        #expect(order == ["spent_at_least", "watched_genre"])
    }

    @Test func aKeyNeverMeasuredIsExpectedToTakeAsLongAsItsFilter() async throws {
        let (cache, _, source, blocker) = try await Self.blockedCache()
        let newAmount = FilterRequest(filter: Fixtures.spent, parameters: ["amount": .decimal("250")])
        #expect(cache.lastQueryDuration(of: newAmount.key(tenant: "t")) == nil)
        #expect(cache.expectedQueryDuration(of: newAmount.key(tenant: "t")) == .seconds(5))
        let order = try await Self.runAsOneArrival([Self.horror, newAmount], cache: cache, source: source, blocker: blocker)
        #expect(order == ["spent_at_least", "watched_genre"])
    }

    @Test func filterTimesAreKnownAfterARestart() async throws {
        let clock = ManualClock()
        let source = InMemoryMemberSource(maxConcurrentQueries: 1, onQuery: { _ in clock.advance(by: .seconds(7)) }) { _, _ in [1] }
        let store = InMemoryUsageStore()
        let before = FilterCache(clock: clock, usageStore: store)
        _ = try await before.fetch(Self.spent, tenant: "t", source: source)
        try await before.saveUsage()
        let after = FilterCache(clock: clock, usageStore: store)
        let newAmount = FilterRequest(filter: Fixtures.spent, parameters: ["amount": .decimal("250")]).key(tenant: "t")
        #expect(after.expectedQueryDuration(of: newAmount) == .zero)
        try await after.loadUsage()
        #expect(after.expectedQueryDuration(of: Self.spent.key(tenant: "t")) == .seconds(7))
        #expect(after.expectedQueryDuration(of: newAmount) == .seconds(7))
        #expect(after.expectedQueryDuration(of: Self.horror.key(tenant: "t")) == .zero)
    }

    @Test func aLaterEvaluationsSlowFilterWaitsItsTurn() async throws {
        let (cache, engine, source, blocker) = try await Self.blockedCache()
        let first = Task { try await engine.evaluate(tenant: "t", definition: .filter("opted_out"), catalog: Fixtures.catalog, source: source) }
        #expect(await eventually { cache.stats().queriesQueued == 1 })
        let second = Task {
            try await engine.evaluate(tenant: "t", definition: .filter("spent_at_least", params: ["amount": "100"]),
                                      catalog: Fixtures.catalog, source: source)
        }
        #expect(await eventually { cache.stats().queriesQueued == 2 })
        source.release()
        _ = try await (blocker.value, first.value, second.value)
        #expect(Self.runAfterBlocker(source, count: 2) == ["opted_out", "spent_at_least"])
    }

    @Test func anAudiencesSlowestFilterGetsTheNextPermit() async throws {
        let (cache, engine, source, blocker) = try await Self.blockedCache()
        let audience = AudienceDefinition.all([
            .filter("watched_genre", params: ["genre": "horror", "since": "2024-01-01"]),
            .filter("opted_out", exclude: true),
            .filter("spent_at_least", params: ["amount": "100"]),
        ])
        let evaluation = Task { try await engine.evaluate(tenant: "t", definition: audience, catalog: Fixtures.catalog, source: source) }
        #expect(await eventually { cache.stats().queriesQueued == 3 })
        source.release()
        _ = try await blocker.value
        #expect(try await evaluation.value.count == 0)  // every member opted out
        #expect(cache.stats().queriesQueued == 0)
        #expect(Self.runAfterBlocker(source, count: 3).first == "spent_at_least")
    }
}
