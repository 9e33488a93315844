import Audiences
import Roaring
import Storage
import TestSupport
import Testing

/// PostgreSQL filter transactions: `statement_timeout` and, when the source sets it,
/// `max_parallel_workers_per_gather` are applied inside the filter's own transaction
/// (`set_config(…, true)`, i.e. `SET LOCAL`) and nowhere else. PostgreSQL only: fails without
/// MARQUEE_TEST_POSTGRES_URL.
@Suite("PostgreSQL filter transaction settings")
struct FilterTransactionSettingsTests {
    /// A filter whose one "member id" is the value of a setting inside its own transaction.
    static func setting(_ name: String) -> FilterDefinition {
        FilterDefinition(id: "setting", name: "setting", sql: "SELECT setting::bigint FROM pg_settings WHERE name = '\(name)'")
    }

    static func source(_ store: Store, workers: Int?, timeout: Duration = .seconds(30)) throws -> PostgresMemberSource {
        let database = try require(store.database as? PostgresDatabase)
        return PostgresMemberSource(client: database.client, maxConcurrentQueries: 2, statementTimeout: timeout,
                                    parallelWorkersPerQuery: workers, allowsMarqueeDatabase: true, logger: TestDatabases.logger)
    }

    static func serverValue(_ store: Store, _ name: String) async throws -> Int {
        try await store.database.query("SELECT setting::bigint AS v FROM pg_settings WHERE name = '\(name)'")[0].int("v")
    }

    @Test func parallelWorkersAreSetInsideFilterTransactionsOnly() async throws {
        try await TestDatabases.withStore(.postgres) { store in
            let workers = Self.setting("max_parallel_workers_per_gather")
            let server = try await Self.serverValue(store, "max_parallel_workers_per_gather")
            for value in [0, 1, server + 3] {
                let members = try await Self.source(store, workers: value).members(of: workers, parameters: [:])
                #expect(Array(members) == [UInt32(value)], "parallelWorkersPerQuery \(value)")
            }
            // Negative values mean none.
            #expect(Array(try await Self.source(store, workers: -1).members(of: workers, parameters: [:])) == [0])
            // nil leaves the server's setting.
            #expect(Array(try await Self.source(store, workers: nil).members(of: workers, parameters: [:])) == [UInt32(server)])
            // The setting ends with the filter's transaction: the pool's connections are back to
            // the server's value for every other statement (the single-SQL baseline included).
            for _ in 0..<4 {
                #expect(try await Self.serverValue(store, "max_parallel_workers_per_gather") == server)
            }
        }
    }

    @Test func statementTimeoutIsStillSetAlongside() async throws {
        try await TestDatabases.withStore(.postgres) { store in
            let timeout = Self.setting("statement_timeout")
            for workers in [nil, 0] as [Int?] {
                let members = try await Self.source(store, workers: workers, timeout: .milliseconds(1234)).members(of: timeout, parameters: [:])
                #expect(Array(members) == [1234], "parallelWorkersPerQuery \(String(describing: workers))")
            }
            // Still enforced: a filter sleeping past it is a timeout, not a result.
            let slow = FilterDefinition(id: "slow", name: "slow", sql: "SELECT 1::bigint FROM pg_sleep(2)")
            await #expect(throws: MemberSourceError.timeout(.milliseconds(200))) {
                _ = try await Self.source(store, workers: 0, timeout: .milliseconds(200)).members(of: slow, parameters: [:])
            }
            #expect(try await Self.serverValue(store, "statement_timeout") != 1234)
        }
    }

    @Test func registryDefaultsReachTheFilterTransaction() async throws {
        try await TestDatabases.withStore(.postgres) { store in
            let tenant = try await store.accounts.createTenant(name: TestDatabases.uniqueName("workers")).id
            try await store.memberSourceSettings.set(tenant: tenant, MemberSourceSettings(kind: .postgres(url: try TestDatabases.otherPostgresURL())))
            let workers = Self.setting("max_parallel_workers_per_gather")
            let server = try await Self.serverValue(store, "max_parallel_workers_per_gather")
            for (value, expected) in [(0, 0), (nil, server)] as [(Int?, Int)] {
                let registry = MemberSourceRegistry(store: store, defaults: MemberSourceDefaults(parallelWorkersPerQuery: value))
                let members = try await registry.source(tenant: tenant).members(of: workers, parameters: [:])
                registry.shutdown()
                #expect(Array(members) == [UInt32(expected)], "default \(String(describing: value))")
            }
            try await store.memberSourceSettings.set(tenant: tenant, nil)
        }
    }
}
