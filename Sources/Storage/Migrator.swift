import Foundation
import Logging

/// Applies pending migrations; idempotent and safe when several instances start at once
/// (PostgreSQL: a transaction-scoped advisory lock; SQLite: `BEGIN IMMEDIATE`).
public struct Migrator: Sendable {
    let database: any SQLDatabase
    let migrations: [Migration]
    let logger: Logger

    public init(database: any SQLDatabase, migrations: [Migration] = Migrations.all, logger: Logger) {
        self.database = database
        self.migrations = migrations
        self.logger = logger
    }

    /// Applies what is missing; returns the versions applied now.
    @discardableResult
    public func migrate() async throws -> [Int] {
        let migrations = self.migrations
        let logger = self.logger
        return try await database.transaction { executor in
            if executor.dialect == .postgres {
                try await executor.query("SELECT pg_advisory_xact_lock(827345001)", [])
            }
            try await executor.query("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    applied_at TEXT NOT NULL
                )
                """, [])
            let applied = Set(try await executor.query("SELECT version FROM schema_migrations", []).map { try $0.int("version") })
            let pending = migrations.sorted(by: { $0.version < $1.version }).filter { !applied.contains($0.version) }
            if executor.dialect == .postgres {
                for statement in pending.flatMap(\.postgresLockStatements) { try await executor.query(statement, []) }
            }
            var appliedNow: [Int] = []
            for migration in pending {
                for statement in migration.statements(for: executor.dialect) {
                    do {
                        try await executor.query(statement, [])
                    } catch {
                        throw StorageError.migrationFailed(version: migration.version, reason: String(reflecting: error))
                    }
                }
                try await executor.query(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                    [.int(migration.version), .text(migration.name), .text(SQLDateFormat.format(Date()))])
                logger.info("applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                appliedNow.append(migration.version)
            }
            return appliedNow
        }
    }
}
