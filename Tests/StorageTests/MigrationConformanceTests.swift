import Foundation
@testable import Storage
import TestSupport
import Testing

@Suite("Migrations")
struct MigrationConformanceTests {
    @Test(arguments: Backend.allCases)
    func migrateIsIdempotent(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            // withStore already migrated; running again applies nothing and keeps data.
            let tenant = try await store.accounts.createTenant(name: TestDatabases.uniqueName())
            #expect(try await store.migrate() == [])
            #expect(try await store.accounts.tenant(id: tenant.id) == tenant)
            let versions = try await store.database.query("SELECT version FROM schema_migrations ORDER BY version").map { try $0.int("version") }
            #expect(versions == Migrations.all.map(\.version))
        }
    }

    @Test(arguments: Backend.allCases)
    func concurrentMigrationsDoNotCollide(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<4 { group.addTask { try await store.migrate() } }
                for try await applied in group { #expect(applied == []) }
            }
        }
    }

    /// A rolling deploy: instances of the previous release keep writing while a new one applies
    /// migration 8. A write that took its table lock before the migration did, and whose trigger
    /// then waited for the change lock, deadlocked with the migration's `CREATE TRIGGER` (the
    /// migration took the change lock first). Made deterministic by holding the change lock until
    /// both are queued. Runs in a database of its own: it rolls the schema back to version 7.
    @Test func migrationEightWaitsForAWriterInsteadOfDeadlocking() async throws {
        try await Self.withScratchDatabase(migratedTo: 7) { store in
            let logger = TestDatabases.logger
            let tenant = try await store.accounts.createTenant(name: TestDatabases.uniqueName()).id
            let held = AsyncStream<Void>.makeStream()
            let release = AsyncStream<Void>.makeStream()
            async let holder: Void = store.database.transaction { executor in
                _ = try await executor.query("SELECT pg_advisory_xact_lock(827345002)", [])
                held.continuation.yield()
                for await _ in release.stream { break }
            }
            for await _ in held.stream { break }
            async let migration = Migrator(database: store.database, logger: logger).migrate()
            try await Self.waitForWaitingLocks(store, count: 1)
            async let writer = store.database.query("""
                INSERT INTO promotions (tenant_id, id, version, enabled, document, created_at, updated_at)
                VALUES ($1, 'during-upgrade', 1, TRUE, '{}'::jsonb, $2, $2)
                """, [.text(tenant), .date(Date())])
            try await Self.waitForWaitingLocks(store, count: 2)
            release.continuation.yield()
            try await holder
            #expect(try await migration == Migrations.all.map(\.version).filter { $0 >= 8 })
            _ = try await writer
            let changes = try await ChangeLog(database: store.database).changes(after: 0, tenant: tenant)
            #expect(changes.map(\.entityID) == ["during-upgrade"])
        }
    }

    /// An upgrade from version 6 runs migration 7's `ALTER TABLE tenants` before migration 8's
    /// table locks. A writer holding promotions then waited for tenants (its foreign key) while
    /// the migration waited for promotions: a deadlock (found by review). Migration 8's locks
    /// are now taken before any pending migration, so the writer finishes first.
    @Test func anUpgradeFromSixWaitsForAWriterInsteadOfDeadlocking() async throws {
        try await Self.withScratchDatabase(migratedTo: 6) { store in
            let tenant = "t-\(UUID().uuidString.prefix(8))"  // written directly: version 6 has no rounding column
            _ = try await store.database.query("INSERT INTO tenants (id, name, created_at) VALUES ($1, $1, $2)", [.text(tenant), .date(Date())])
            let locked = AsyncStream<Void>.makeStream()
            let write = AsyncStream<Void>.makeStream()
            async let writer: Void = store.database.transaction { executor in
                _ = try await executor.query("LOCK TABLE promotions IN ROW EXCLUSIVE MODE", [])
                locked.continuation.yield()
                for await _ in write.stream { break }
                _ = try await executor.query("""
                    INSERT INTO promotions (tenant_id, id, version, enabled, document, created_at, updated_at)
                    VALUES ($1, 'during-upgrade', 1, TRUE, '{}'::jsonb, $2, $2)
                    """, [.text(tenant), .date(Date())])
            }
            for await _ in locked.stream { break }
            async let migration = Migrator(database: store.database, logger: TestDatabases.logger).migrate()
            try await Self.waitForWaitingLocks(store, count: 1)
            write.continuation.yield()
            try await writer
            #expect(try await migration == Migrations.all.map(\.version).filter { $0 >= 7 })
        }
    }

    /// Runs `body` on a PostgreSQL database of its own, migrated only to `version` (these tests
    /// roll the schema back), dropped afterwards.
    static func withScratchDatabase(migratedTo version: Int, _ body: @escaping @Sendable (Store) async throws -> Void) async throws {
        let name = "mig_\(UUID().uuidString.prefix(8).lowercased())"
        _ = try await TestDatabases.withStore(.postgres) { try await $0.database.query("CREATE DATABASE \(name)", []) }
        do {
            guard var components = URLComponents(string: try TestDatabases.postgresURL()) else { throw TestEnvironmentError(message: "bad URL") }
            components.path = "/\(name)"
            let configuration = try DatabaseConfiguration(url: try #require(components.string))
            try await Store.withStore(configuration, logger: TestDatabases.logger, migrate: false) { store in
                let migrations = Migrations.all.filter { $0.version <= version }
                #expect(try await Migrator(database: store.database, migrations: migrations, logger: TestDatabases.logger).migrate().last == version)
                try await body(store)
            }
        } catch {
            try? await Self.drop(name)
            throw error
        }
        try await Self.drop(name)
    }

    static func waitForWaitingLocks(_ store: Store, count: Int) async throws {
        for _ in 0..<200 {
            let waiting = try await store.database.query(
                "SELECT count(*) AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE NOT l.granted AND d.datname = current_database()", [])
            if try waiting.first?.int("n") ?? 0 >= count { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestEnvironmentError(message: "\(count) statements never waited for a lock")
    }

    static func drop(_ name: String) async throws {
        _ = try await TestDatabases.withStore(.postgres) { try await $0.database.query("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", []) }
    }

    @Test func sqliteStatementRewrite() {
        #expect(SQLiteStatementText.rewrite("SELECT $1::jsonb, '$2::x' WHERE a = $10") == "SELECT ?1, '$2::x' WHERE a = ?10")
    }

    @Test(arguments: Backend.allCases)
    func valuesRoundTrip(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let date = Date(timeIntervalSince1970: 1_790_000_000.123)
            let row = try #require(try await store.database.query(
                "SELECT $1::bigint AS i, $2::text AS t, $3::boolean AS b, $4::bytea AS bl, $5::timestamptz AS d, $6::jsonb AS j",
                [.int(-42), .text("héllo ✓"), .bool(true), .blob([0, 1, 255]), .date(date), .json(#"{"a":1}"#)]).first)
            #expect(try row.int("i") == -42)
            #expect(try row.string("t") == "héllo ✓")
            #expect(try row.bool("b"))
            #expect(try row.blob("bl") == [0, 1, 255])
            #expect(abs(try row.date("d").timeIntervalSince(date)) < 0.001)
            #expect(try row.string("j").replacingOccurrences(of: " ", with: "") == #"{"a":1}"#)
        }
    }
}
