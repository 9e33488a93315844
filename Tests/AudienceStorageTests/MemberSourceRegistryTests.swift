import Audiences
import Roaring
import Storage
import TestSupport
import Testing

/// The registry's external PostgreSQL pools: a tenant's first requests arriving together share
/// one working source, and after `shutdown()` no new pool is started (PostgreSQL: fails without
/// MARQUEE_TEST_POSTGRES_URL). A replaced source queries nothing more (SQLite).
@Suite("Member source registry")
struct MemberSourceRegistryTests {
    static let one = FilterDefinition(id: "one", name: "one", sql: "SELECT 1::bigint")
    static let sqliteOne = FilterDefinition(id: "one", name: "one", sql: "SELECT 1")

    static func externalTenant(_ store: Store) async throws -> String {
        let tenant = try await store.accounts.createTenant(name: TestDatabases.uniqueName("registry")).id
        try await store.memberSourceSettings.set(tenant: tenant, MemberSourceSettings(kind: .postgres(url: try TestDatabases.otherPostgresURL())))
        return tenant
    }

    @Test func concurrentFirstCallsAllGetAWorkingSource() async throws {
        try await TestDatabases.withStore(.postgres) { store in
            let tenant = try await Self.externalTenant(store)
            let registry = MemberSourceRegistry(store: store)
            defer { registry.shutdown() }
            // Each call may build a pool; a caller must never be left with one stopped under it,
            // so every source still answers once all the calls have returned.
            let sources = try await withThrowingTaskGroup(of: (any SQLMemberSource).self) { group in
                for _ in 0..<20 { group.addTask { try await registry.source(tenant: tenant) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            var answers: [[UInt32]] = []
            for source in sources { answers.append(Array(try await source.members(of: Self.one, parameters: [:]))) }
            #expect(answers == Array(repeating: [1], count: 20))
            try await store.memberSourceSettings.set(tenant: tenant, nil)
        }
    }

    @Test func noSourceAfterShutdown() async throws {
        try await TestDatabases.withStore(.postgres) { store in
            let tenant = try await Self.externalTenant(store)
            let registry = MemberSourceRegistry(store: store)
            #expect(Array(try await registry.source(tenant: tenant).members(of: Self.one, parameters: [:])) == [1])
            registry.shutdown()
            await #expect(throws: MemberSourceError.unavailable("the server is shutting down")) {
                _ = try await registry.source(tenant: tenant)
            }
            try await store.memberSourceSettings.set(tenant: tenant, nil)
        }
    }

    @Test func aReplacedSourceQueriesNothingSoNothingOldIsCached() async throws {
        try await TestDatabases.withStore(.sqlite) { store in
            let tenant = try await store.accounts.createTenant(name: TestDatabases.uniqueName("registry")).id
            try await store.memberSourceSettings.set(tenant: tenant, MemberSourceSettings(kind: .embedded))
            let cache = FilterCache()
            let registry = MemberSourceRegistry(store: store, settingsTTL: .zero) { cache.invalidate(tenant: $0) }
            defer { registry.shutdown() }
            let old = try await registry.source(tenant: tenant)
            // The settings change and another request picks up the new source, which clears the
            // tenant's cache entries, before a request still holding the old source fetches:
            try await store.memberSourceSettings.set(tenant: tenant, MemberSourceSettings(kind: .embedded, statementTimeout: .seconds(7)))
            let new = try await registry.source(tenant: tenant)
            let request = FilterRequest(filter: Self.sqliteOne)
            await #expect(throws: MemberSourceError.replaced) { _ = try await cache.fetch(request, tenant: tenant, source: old) }
            #expect(cache.cachedMembers(for: request.key(tenant: tenant)) == nil)
            let fetched = try await cache.fetch(request, tenant: tenant, source: new)
            #expect(Array(fetched.members) == [1] && fetched.origin == .query)
            // A removed source is retired too.
            try await store.memberSourceSettings.set(tenant: tenant, nil)
            await #expect(throws: MemberSourceError.notConfigured(tenant: tenant)) { _ = try await registry.source(tenant: tenant) }
            await #expect(throws: MemberSourceError.replaced) { _ = try await new.members(of: Self.sqliteOne, parameters: [:]) }
        }
    }
}
