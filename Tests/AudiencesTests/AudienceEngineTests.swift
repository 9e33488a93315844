import Audiences
import Roaring
import Testing

@Suite("Audience engine")
struct AudienceEngineTests {
    static let sets: [String: [UInt32]] = [
        "members": Array(1...10),
        "watched_genre": [1, 2, 3, 4],
        "lives_in": [3, 4, 5, 6],
        "opted_out": [2, 6, 9],
    ]

    func engine() -> AudienceEngine { AudienceEngine(cache: FilterCache()) }
    func source() -> InMemoryMemberSource { InMemoryMemberSource(sets: Self.sets) }

    static let horror: AudienceDefinition = .filter("watched_genre", params: ["genre": "horror", "since": "2024-01-01"])
    static let oslo: AudienceDefinition = .filter("lives_in", params: ["city": "Oslo"])
    static let notOptedOut: AudienceDefinition = .filter("opted_out", exclude: true)

    @Test func allWithExclusionSubtractsWithoutTheUniverse() async throws {
        let source = source()
        let result = try await engine().evaluate(tenant: "t", definition: .all([Self.horror, Self.oslo, Self.notOptedOut]),
                                                 catalog: Fixtures.catalog, source: source)
        #expect(Array(result.members) == [3, 4])
        #expect(result.count == 2)
        #expect(!result.usedUniverse)
        #expect(!source.queries.map(\.filterID).contains("members"))
        #expect(result.queries == 3)
        #expect(result.nodes.map(\.path) == ["", "/all/0", "/all/1", "/all/2"])
        #expect(result.nodes.map(\.count) == [2, 4, 4, nil])  // ¬opted_out is not counted without the universe
        #expect(result.nodes.map(\.matched) == [nil, 4, 4, 3])
        #expect(result.nodes[3].exclude == true && result.nodes[3].filter == "opted_out")
    }

    @Test func anyWithExclusionUsesTheUniverse() async throws {
        let source = source()
        let result = try await engine().evaluate(tenant: "t", definition: .any([Self.horror, Self.notOptedOut]),
                                                 catalog: Fixtures.catalog, source: source)
        // horror ∪ (members − opted_out) = {1,2,3,4} ∪ {1,3,4,5,7,8,10}
        #expect(Array(result.members) == [1, 2, 3, 4, 5, 7, 8, 10])
        #expect(result.usedUniverse)
        #expect(source.queries.map(\.filterID).contains("members"))
        #expect(result.nodes.map(\.count) == [8, 4, 7])
    }

    @Test func anExclusionAloneIsTheUniverseMinusTheFilter() async throws {
        let result = try await engine().evaluate(tenant: "t", definition: Self.notOptedOut,
                                                 catalog: Fixtures.catalog, source: source())
        #expect(Array(result.members) == [1, 3, 4, 5, 7, 8, 10])
        #expect(result.nodes.map(\.path) == [""])
    }

    @Test func anExclusionNeedingAMissingUniverseIsAnIssue() async throws {
        await #expect(throws: AudienceValidationError.self) {
            try await engine().evaluate(tenant: "t", definition: .any([Self.horror, Self.notOptedOut]),
                                        catalog: Fixtures.catalogWithoutUniverse, source: source())
        }
        // …but not when the exclusion is subtracted from an included filter.
        let result = try await engine().evaluate(tenant: "t", definition: .all([Self.horror, Self.notOptedOut]),
                                                 catalog: Fixtures.catalogWithoutUniverse, source: source())
        #expect(Array(result.members) == [1, 3, 4])
    }

    @Test func repeatedLeavesRunOneQuery() async throws {
        let source = source()
        let result = try await engine().evaluate(
            tenant: "t", definition: .any([.all([Self.horror, Self.oslo]), .all([Self.horror, Self.notOptedOut])]),
            catalog: Fixtures.catalog, source: source)
        #expect(source.queryCount == 3)
        #expect(Array(result.members) == [1, 3, 4])
    }

    @Test func aSecondEvaluationIsServedFromTheCache() async throws {
        let engine = engine(), source = source()
        let definition = AudienceDefinition.all([Self.horror, Self.oslo])
        let first = try await engine.evaluate(tenant: "t", definition: definition, catalog: Fixtures.catalog, source: source)
        let second = try await engine.evaluate(tenant: "t", definition: definition, catalog: Fixtures.catalog, source: source)
        #expect(first.nodes.map(\.cached) == [false, false, false])
        #expect(second.nodes.map(\.cached) == [true, true, true])
        #expect(second.queries == 0 && source.queryCount == 2)
        // Another tenant does not see the first tenant's results.
        _ = try await engine.evaluate(tenant: "u", definition: definition, catalog: Fixtures.catalog, source: source)
        #expect(source.queryCount == 4)
    }

    /// The universe belongs to no node: its query shows in the root, which is not "cached" when
    /// only the leaves were.
    @Test func theRootCountsTheUniverseQuery() async throws {
        let engine = engine(), source = source()
        _ = try await engine.evaluate(tenant: "t", definition: .filter("opted_out"), catalog: Fixtures.catalog, source: source)
        let result = try await engine.evaluate(tenant: "t", definition: Self.notOptedOut, catalog: Fixtures.catalog, source: source)
        #expect(result.usedUniverse && result.queries == 1)
        #expect(result.nodes.map(\.cached) == [false])
        let again = try await engine.evaluate(tenant: "t", definition: Self.notOptedOut, catalog: Fixtures.catalog, source: source)
        #expect(again.nodes.map(\.cached) == [true] && again.queries == 0)
    }

    @Test func aFailingFilterReportsItsLeaves() async throws {
        let source = source()
        source.fail("lives_in")
        do {
            _ = try await engine().evaluate(tenant: "t", definition: .all([Self.horror, Self.oslo]),
                                            catalog: Fixtures.catalog, source: source)
            Issue.record("expected a failure")
        } catch let error as FilterQueryError {
            #expect(error.filterID == "lives_in")
            #expect(error.paths == ["/all/1"])
            #expect(error.underlying as? SourceFailure == SourceFailure(filterID: "lives_in"))
        }
    }

    @Test func queriesPerSourceStayWithinItsLimit() async throws {
        let sets = Dictionary(uniqueKeysWithValues: (0..<8).map { ("f\($0)", [UInt32($0)]) })
        let filters = (0..<8).map { FilterDefinition(id: "f\($0)", name: "f", sql: "SELECT \($0)") }
        let source = InMemoryMemberSource(maxConcurrentQueries: 2, sets: sets)
        source.hold()
        let engine = engine()
        let evaluation = Task {
            try await engine.evaluate(tenant: "t", definition: .any(filters.map { .filter($0.id) }),
                                      catalog: FilterCatalog(filters), source: source)
        }
        var started = source.started.makeAsyncIterator()
        for _ in 0..<4 {  // release the queries two at a time, once both are running
            _ = await started.next()
            _ = await started.next()
            #expect(source.heldCount == 2)
            source.release(stopHolding: false)
        }
        let result = try await evaluation.value
        #expect(result.count == 8)
        #expect(source.maxInFlight == 2)
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8])
    func randomAudiencesMatchTheSetSemantics(seed: UInt64) async throws {
        var generator = SeededGenerator(state: seed)
        for _ in 0..<40 {
            let world = RandomWorld(using: &generator)
            let source = world.source()
            let engine = AudienceEngine(cache: FilterCache())
            for _ in 0..<10 {
                let definition = world.randomTree(using: &generator)
                let result = try await engine.evaluate(tenant: "t", definition: definition, catalog: world.catalog, source: source)
                let expected = world.reference(definition)
                #expect(Array(result.members) == expected.sorted(), "\(definition)")
                #expect(result.count == expected.count)
                #expect(result.usedUniverse == RandomWorld.isComplement(definition))
                // Per-node counts: every node's set within the audience's domain.
                let domain = world.domain(of: definition)
                let nodes = RandomWorld.nodes(definition)
                #expect(result.nodes.map(\.path) == nodes.map(\.0))
                for (node, (_, subtree)) in zip(result.nodes, nodes) {
                    if RandomWorld.isComplement(subtree) && !result.usedUniverse {
                        #expect(node.count == nil)
                    } else {
                        #expect(node.count == world.reference(subtree, domain: domain).count, "\(node.path) of \(definition)")
                    }
                }
            }
        }
    }
}
