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
