import Audiences
import Roaring
import Storage
import TestSupport
import Testing

/// Pre-warming after a restart, against real storage: usage saved by one cache is loaded by a
/// new one, which computes the most used filters before anything asks for them.
@Suite("Pre-warming from stored usage")
struct PrewarmTests {
    struct Resolver: FilterResolver {
        var tenant: String
        var catalog: FilterCatalog
        var source: any SQLMemberSource

        func resolveFilter(tenant: String, filterID: String) async throws -> (FilterDefinition, any MemberSource)? {
            guard tenant == self.tenant, let filter = catalog[filterID] else { return nil }
            return (filter, source)
        }
    }

    @Test(arguments: Backend.allCases)
    func restartedCacheIsWarmFromStoredUsage(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let tenant = TestDatabases.uniqueName("warm")
            let table = "warm_" + tenant.replacingOccurrences(of: "-", with: "_")
            try await store.database.query("CREATE TABLE \(table) (id INTEGER NOT NULL, city TEXT NOT NULL)")
            try await store.database.query("INSERT INTO \(table) (id, city) VALUES (1, 'Oslo'), (2, 'Bergen'), (3, 'Oslo'), (4, 'Rome')")
            let city = FilterDefinition(id: "city", name: "City", sql: "SELECT id FROM \(table) WHERE city = :city",
                                        parameters: [FilterParameter(name: "city", type: .string)])
            let catalog = FilterCatalog([city])
            let source = try MemberSources.overTestDatabase(store)
            let definition = AudienceDefinition.any([.filter("city", params: ["city": "Oslo"]), .filter("city", params: ["city": "Rome"])])

            let before = FilterCache(usageStore: store.filterUsage)
            let first = try await AudienceEngine(cache: before).evaluate(tenant: tenant, definition: definition, catalog: catalog, source: source)
            #expect(Array(first.members) == [1, 3, 4] && first.queries == 2)
            try await before.saveUsage()

            // "Restart": a new cache over the same storage.
            let after = FilterCache(usageStore: store.filterUsage)
            let report = await after.prewarm(budget: .seconds(30), resolver: Resolver(tenant: tenant, catalog: catalog, source: source))
            #expect(report.warmed >= 2 && report.loadError == nil)
            let warm = try await AudienceEngine(cache: after).evaluate(tenant: tenant, definition: definition, catalog: catalog, source: source)
            #expect(Array(warm.members) == [1, 3, 4])
            #expect(warm.queries == 0, "every filter came from the pre-warmed cache")
            let leavesCached = warm.nodes.filter { $0.kind == .filter }.allSatisfy { $0.cached }
            #expect(leavesCached)
            try await store.database.query("DROP TABLE \(table)")
        }
    }
}
