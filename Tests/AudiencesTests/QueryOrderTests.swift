@testable import Audiences
import Synchronization
import Testing

/// Labels in the order their bodies ran (a class: a `Mutex` cannot be captured by escaping
/// closures). `Sendable` without `@unchecked`: its only state is a `Mutex`.
private final class RunLog: Sendable {
    let labels = Mutex<[String]>([])
}

/// The order in which queued filter queries get a permit: arrival order, with a head start of
/// the key's last query time for misses, so an audience's slowest filter starts first.
@Suite("Query order")
struct QueryOrderTests {
    /// Runs `bodies` (label, head start) against a gate of one permit held by a blocker, each
    /// queued after the previous one (`pause` between them), and returns the order they ran in.
    private static func order(of bodies: [(String, Duration)], pause: Duration = .zero) async throws -> [String] {
        let gate = QueryGate(capacity: 1)
        let ran = RunLog()
        let (blocked, unblock) = AsyncStream.makeStream(of: Void.self)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await gate.withPermit { for await _ in blocked {} } }
            #expect(await eventually { gate.inUse == 1 })
            for (index, (label, headStart)) in bodies.enumerated() {
                if index > 0 { try await Task.sleep(for: pause) }
                group.addTask { try await gate.withPermit(headStart: headStart) { ran.labels.withLock { $0.append(label) } } }
                #expect(await eventually { gate.waiting == index + 1 })
            }
            unblock.finish()
            try await group.waitForAll()
            return ran.labels.withLock { $0 }
        }
    }

    @Test func waitersWithoutAHeadStartAreServedInArrivalOrder() async throws {
        #expect(try await Self.order(of: [("a", .zero), ("b", .zero), ("c", .zero)]) == ["a", "b", "c"])
    }

    @Test func aLongerHeadStartIsServedFirst() async throws {
        let order = try await Self.order(of: [("short", .milliseconds(10)), ("none", .zero), ("slow", .seconds(20)), ("medium", .seconds(3))])
        #expect(order == ["slow", "medium", "short", "none"])
    }

    @Test func aWaiterThatWaitedLongerThanAHeadStartStillGoesFirst() async throws {
        // "early" queues 200 ms before "late", whose head start is only 20 ms.
        let order = try await Self.order(of: [("early", .zero), ("late", .milliseconds(20))], pause: .milliseconds(200))
        #expect(order == ["early", "late"])
    }

    @Test func theHeadStartIsCapped() async throws {
        // Both beyond the cap: treated alike, so arrival order decides.
        let order = try await Self.order(of: [("first", .seconds(120)), ("second", .seconds(3600))])
        #expect(order == ["first", "second"])
    }

    @Test func anAudiencesSlowestFilterGetsTheNextPermit() async throws {
        let clock = ManualClock()
        let spent = FilterRequest(filter: Fixtures.spent, parameters: ["amount": .decimal("100")])
        // Each query "takes" a time by filter (the source advances the cache's clock).
        let source = InMemoryMemberSource(maxConcurrentQueries: 1, onQuery: { query in
            clock.advance(by: query.filterID == spent.filter.id ? .seconds(5) : .milliseconds(10))
        }) { filter, _ in filter.id == "lives_in" ? [1, 2] : [1, 2, 3] }
        let cache = FilterCache(clock: clock)
        let engine = AudienceEngine(cache: cache)
        let audience = AudienceDefinition.all([
            .filter("watched_genre", params: ["genre": "horror", "since": "2024-01-01"]),
            .filter("opted_out", exclude: true),
            .filter("spent_at_least", params: ["amount": "100"]),
        ])
        _ = try await engine.evaluate(tenant: "t", definition: audience, catalog: Fixtures.catalog, source: source)
        #expect(cache.lastQueryDuration(of: spent.key(tenant: "t")) == .seconds(5))
        cache.invalidate(tenant: "t")  // results dropped, query times kept

        // Another audience holds the tenant's only permit while this one's three filters queue.
        source.hold()
        let blocker = Task {
            try await engine.evaluate(tenant: "t", definition: .filter("lives_in", params: ["city": "Oslo"]),
                                      catalog: Fixtures.catalog, source: source)
        }
        #expect(await eventually { source.heldCount == 1 })
        let evaluation = Task { try await engine.evaluate(tenant: "t", definition: audience, catalog: Fixtures.catalog, source: source) }
        #expect(await eventually { cache.stats().queriesQueued == 3 })
        source.release()
        _ = try await blocker.value
        let result = try await evaluation.value
        #expect(result.count == 0)  // every member opted out
        #expect(cache.stats().queriesQueued == 0)
        let order = source.queries.suffix(3).map(\.filterID)
        #expect(order.first == "spent_at_least", "queries after the blocker: \(order)")
    }
}
