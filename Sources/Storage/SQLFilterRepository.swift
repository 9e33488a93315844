import Audiences
import Foundation

/// Filters in the `filters` table: one row per tenant and id, the definition as JSON.
public struct SQLFilterRepository: FilterRepository {
    let database: any SQLDatabase

    public init(database: any SQLDatabase) {
        self.database = database
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    public func list(tenant: String) async throws -> [FilterDefinition] {
        try await Self.list(tenant: tenant, in: database)
    }

    static func list(tenant: String, in db: any SQLExecutor) async throws -> [FilterDefinition] {
        try await db.query("SELECT document, version FROM filters WHERE tenant_id = $1 ORDER BY id", [.text(tenant)]).map(filter)
    }

    public func get(tenant: String, id: String) async throws -> FilterDefinition? {
        let rows = try await database.query("SELECT document, version FROM filters WHERE tenant_id = $1 AND id = $2", [.text(tenant), .text(id)])
        return try rows.first.map(Self.filter)
    }

    public func save(tenant: String, filter: FilterDefinition, expectedVersion: Int?, check: CatalogCheck?) async throws
        -> (filter: FilterDefinition, created: Bool)
    {
        let now = Date()
        return try await database.transaction { db in
            try await CatalogLock.take(tenant: tenant, in: db)
            // Row-locked until the transaction ends, so two saves of one version cannot both pass
            // (SQLite: the whole database is).
            let lock = db.dialect == .postgres ? " FOR UPDATE" : ""
            let current = try await db.query("SELECT version FROM filters WHERE tenant_id = $1 AND id = $2" + lock,
                                             [.text(tenant), .text(filter.id)]).first.map { try $0.int("version") }
            if let expectedVersion, expectedVersion != (current ?? 0) {
                throw FilterRepositoryError.versionConflict(expected: expectedVersion, actual: current ?? 0)
            }
            try await CatalogLock.check(check, tenant: tenant, in: db)  // a stale edit is 412 first, as before
            var stored = filter
            stored.version = (current ?? 0) + 1
            let document = String(decoding: try Self.encoder.encode(stored), as: UTF8.self)
            if current != nil {
                try await db.query(
                    "UPDATE filters SET document = $3::jsonb, universe = $4, version = $5, updated_at = $6 WHERE tenant_id = $1 AND id = $2",
                    [.text(tenant), .text(filter.id), .json(document), .bool(filter.universe), .int(stored.version), .date(now)])
            } else {
                // A concurrent first save of the same id (nothing to lock yet) may insert first:
                // then this is a version conflict, not a duplicate-key error.
                let inserted = try await db.query(
                    """
                    INSERT INTO filters (tenant_id, id, universe, version, document, created_at, updated_at) VALUES ($1, $2, $3, 1, $4::jsonb, $5, $5)
                    ON CONFLICT (tenant_id, id) DO NOTHING RETURNING version
                    """,
                    [.text(tenant), .text(filter.id), .bool(filter.universe), .json(document), .date(now)])
                if inserted.isEmpty { throw FilterRepositoryError.versionConflict(expected: expectedVersion ?? 0, actual: 1) }
            }
            return (stored, current == nil)
        }
    }

    /// A row's filter; the `version` column is authoritative.
    static func filter(_ row: SQLRow) throws -> FilterDefinition {
        var filter = try JSONDecoder().decode(FilterDefinition.self, from: Data(row.string("document").utf8))
        filter.version = try row.int("version")
        return filter
    }

    public func delete(tenant: String, id: String, check: CatalogCheck?) async throws -> Bool {
        try await database.transaction { db in
            try await CatalogLock.take(tenant: tenant, in: db)
            try await CatalogLock.check(check, tenant: tenant, in: db)
            return !(try await db.query("DELETE FROM filters WHERE tenant_id = $1 AND id = $2 RETURNING id", [.text(tenant), .text(id)]).isEmpty)
        }
    }
}
