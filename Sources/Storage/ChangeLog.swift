import Foundation

/// One committed change to a followed table (promotions, later coupons).
public struct Change: Sendable, Hashable {
    public var version: Int64
    public var tenantID: String
    /// `promotion` (later `coupon`).
    public var entity: String
    public var entityID: String
    /// `insert`, `update` or `delete`.
    public var operation: String
    public var changedAt: Date
}

/// Reads the change log that triggers append to (see migration 3).
public struct ChangeLog: Sendable {
    let database: any SQLDatabase

    public init(database: any SQLDatabase) {
        self.database = database
    }

    /// The newest committed version (0 when nothing changed yet). Take it *before* loading state:
    /// every change committed after the load started then has a larger version.
    public func currentVersion() async throws -> Int64 {
        let rows = try await database.query("SELECT COALESCE(MAX(version), 0) AS version FROM changes", [])
        return Int64(try rows.first?.int("version") ?? 0)
    }

    /// Changes with a version above `version`, oldest first.
    public func changes(after version: Int64, limit: Int = 1000) async throws -> [Change] {
        try await database.query("""
            SELECT version, tenant_id, entity, entity_id, operation, changed_at FROM changes
            WHERE version > $1 ORDER BY version LIMIT $2
            """, [.int(Int(version)), .int(limit)]).map { row in
            Change(version: Int64(try row.int("version")), tenantID: try row.string("tenant_id"),
                   entity: try row.string("entity"), entityID: try row.string("entity_id"),
                   operation: try row.string("operation"), changedAt: try row.date("changed_at"))
        }
    }
}
