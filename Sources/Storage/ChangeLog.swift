import Foundation

/// One committed change to a followed table (promotions, coupons).
public struct Change: Sendable, Hashable {
    public var version: Int64
    public var tenantID: String
    /// `promotion` or `coupon`.
    public var entity: String
    /// The promotion's id or the coupon's code; `*` for a statement that changed several codes.
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

    /// Changes with a version above `version`, oldest first; only `tenant`'s when given (other
    /// tenants' bulk writes then cannot push its rows past `limit`).
    public func changes(after version: Int64, tenant: String? = nil, limit: Int = 1000) async throws -> [Change] {
        let tenantFilter = tenant == nil ? "" : "AND tenant_id = $3"
        return try await database.query("""
            SELECT version, tenant_id, entity, entity_id, operation, changed_at FROM changes
            WHERE version > $1 \(tenantFilter) ORDER BY version LIMIT $2
            """, [.int(Int(version)), .int(limit)] + (tenant.map { [.text($0)] } ?? [])).map { row in
            Change(version: Int64(try row.int("version")), tenantID: try row.string("tenant_id"),
                   entity: try row.string("entity"), entityID: try row.string("entity_id"),
                   operation: try row.string("operation"), changedAt: try row.date("changed_at"))
        }
    }

    /// What changed after `version`, grouped: which (tenant, entity) pairs, up to which version,
    /// and for a tenant whose coupon changes each named one code (and were few), which codes.
    /// One scan however many changes there are (a batch of a million coupons included).
    public func summary(after version: Int64) async throws -> ChangeSummary? {
        let rows = try await database.query("""
            SELECT tenant_id, entity, COUNT(*) AS changes, MAX(version) AS last_version, MAX(changed_at) AS last_changed_at,
                   SUM(CASE WHEN entity_id = '*' THEN 1 ELSE 0 END) AS wholesale
            FROM changes WHERE version > $1 GROUP BY tenant_id, entity
            """, [.int(Int(version))])
        guard !rows.isEmpty else { return nil }
        var summary = ChangeSummary()
        for row in rows {
            let entity = try row.string("entity")
            let tenant = try row.string("tenant_id")
            let changes = try row.int("changes")
            let last = Int64(try row.int("last_version"))
            if entity != "coupon" {
                summary.promotionTenants.insert(tenant)
            } else if try row.int("wholesale") == 0 && changes <= ChangeSummary.maxCodeChanges {
                summary.couponCodes[tenant] = try await changedCodes(tenant: tenant, after: version, through: last)
            } else {
                summary.couponTenants.insert(tenant)
            }
            summary.count += changes
            if last > summary.lastVersion {
                summary.lastVersion = last
            }
            let changedAt = try row.date("last_changed_at")
            summary.lastChangedAt = max(summary.lastChangedAt ?? changedAt, changedAt)
        }
        return summary
    }

    /// Bounded by the group's last version: changes committed since belong to the next catch-up.
    func changedCodes(tenant: String, after version: Int64, through last: Int64) async throws -> Set<String> {
        Set(try await database.query("""
            SELECT DISTINCT entity_id FROM changes
            WHERE version > $1 AND version <= $2 AND tenant_id = $3 AND entity = 'coupon' AND entity_id <> '*'
            """, [.int(Int(version)), .int(Int(last)), .text(tenant)]).map { try $0.string("entity_id") })
    }
}

/// Changes after a watermark, grouped by what must be reloaded.
public struct ChangeSummary: Sendable {
    public var promotionTenants: Set<String> = []
    /// Tenants whose coupons must all be re-read.
    public var couponTenants: Set<String> = []
    /// Tenants whose coupon changes named these codes only: re-read just those.
    public var couponCodes: [String: Set<String>] = [:]
    public var count = 0
    public var lastVersion: Int64 = 0
    public var lastChangedAt: Date?

    /// More code changes than this (a tenant's, since the last catch-up) re-read all its codes.
    public static let maxCodeChanges = 1_000
}
