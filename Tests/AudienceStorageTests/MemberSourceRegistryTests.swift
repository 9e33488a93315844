import Audiences
import Roaring
import Storage
import TestSupport
import Testing

/// The registry's external PostgreSQL pools: a tenant's first requests arriving together share
/// one working source, and after `shutdown()` no new pool is started. PostgreSQL only: fails
/// without MARQUEE_TEST_POSTGRES_URL.
@Suite("Member source registry")
struct MemberSourceRegistryTests {
    static let one = FilterDefinition(id: "one", name: "one", sql: "SELECT 1::bigint")

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
}
