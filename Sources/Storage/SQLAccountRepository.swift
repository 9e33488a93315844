import Accounts
import Foundation

/// Tenants and API keys in SQL (both backends).
public struct SQLAccountRepository: AccountRepository {
    let database: any SQLDatabase

    public init(database: any SQLDatabase) {
        self.database = database
    }

    public func createTenant(name: String) async throws -> Tenant {
        guard Tenant.isValidName(name) else { throw AccountError.invalidTenantName(name) }
        let tenant = Tenant(id: KeySecret.newID(), name: name, createdAt: Self.now())
        let rows = try await database.query(
            "INSERT INTO tenants (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING RETURNING id",
            [.text(tenant.id), .text(tenant.name), .date(tenant.createdAt)])
        guard !rows.isEmpty else { throw AccountError.tenantExists(name) }
        return tenant
    }

    public func tenant(named name: String) async throws -> Tenant? {
        try await database.query("SELECT id, name, created_at, rounding FROM tenants WHERE name = $1", [.text(name)])
            .first.map(Self.tenant)
    }

    public func tenant(id: String) async throws -> Tenant? {
        try await database.query("SELECT id, name, created_at, rounding FROM tenants WHERE id = $1", [.text(id)])
            .first.map(Self.tenant)
    }

    public func listTenants() async throws -> [Tenant] {
        try await database.query("SELECT id, name, created_at, rounding FROM tenants ORDER BY name", []).map(Self.tenant)
    }

    public func createKey(tenantID: String, role: Role) async throws -> IssuedKey {
        let secret = KeySecret.generate()
        let key = APIKey(id: KeySecret.newID(), tenantID: tenantID, role: role,
                         prefix: String(secret.prefix(KeySecret.prefixLength)), createdAt: Self.now())
        try await database.query(
            "INSERT INTO api_keys (id, tenant_id, role, secret_hash, prefix, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            [.text(key.id), .text(tenantID), .text(role.rawValue), .text(KeySecret.hash(secret)), .text(key.prefix), .date(key.createdAt)])
        return IssuedKey(key: key, secret: secret)
    }

    public func authenticate(secretHash: String) async throws -> (APIKey, Tenant)? {
        let rows = try await database.query("""
            SELECT k.id, k.tenant_id, k.role, k.prefix, k.created_at, k.revoked_at, t.name AS tenant_name, t.created_at AS tenant_created_at,
                   t.rounding AS tenant_rounding
            FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
            WHERE k.secret_hash = $1 AND k.revoked_at IS NULL
            """, [.text(secretHash)])
        guard let row = rows.first else { return nil }
        let key = try Self.key(row)
        let tenant = Tenant(id: key.tenantID, name: try row.string("tenant_name"), createdAt: try row.date("tenant_created_at"),
                            rounding: MoneyRounding(rawValue: try row.string("tenant_rounding")) ?? .halfEven)
        return (key, tenant)
    }

    public func listKeys(tenantID: String) async throws -> [APIKey] {
        try await database.query(
            "SELECT id, tenant_id, role, prefix, created_at, revoked_at FROM api_keys WHERE tenant_id = $1 ORDER BY created_at, id",
            [.text(tenantID)]).map(Self.key)
    }

    public func key(id: String, tenantID: String) async throws -> APIKey? {
        try await database.query(
            "SELECT id, tenant_id, role, prefix, created_at, revoked_at FROM api_keys WHERE id = $1 AND tenant_id = $2",
            [.text(id), .text(tenantID)]).first.map(Self.key)
    }

    public func revokeKey(id: String, tenantID: String) async throws -> Bool {
        let rows = try await database.query(
            "UPDATE api_keys SET revoked_at = $3 WHERE id = $1 AND tenant_id = $2 AND revoked_at IS NULL RETURNING id",
            [.text(id), .text(tenantID), .date(Self.now())])
        return !rows.isEmpty
    }

    public func setRounding(tenantID: String, _ rounding: MoneyRounding) async throws -> Tenant? {
        try await database.query("UPDATE tenants SET rounding = $2 WHERE id = $1 RETURNING id, name, created_at, rounding",
                                 [.text(tenantID), .text(rounding.rawValue)]).first.map(Self.tenant)
    }

    /// Millisecond precision, so a value reads back equal from both backends.
    static func now() -> Date {
        Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1000).rounded() / 1000)
    }

    static func tenant(_ row: SQLRow) throws -> Tenant {
        Tenant(id: try row.string("id"), name: try row.string("name"), createdAt: try row.date("created_at"),
               rounding: MoneyRounding(rawValue: try row.string("rounding")) ?? .halfEven)
    }

    static func key(_ row: SQLRow) throws -> APIKey {
        guard let role = Role(rawValue: try row.string("role")) else {
            throw SQLRowError.unexpectedType(column: "role", found: row["role"])
        }
        return APIKey(id: try row.string("id"), tenantID: try row.string("tenant_id"), role: role,
                      prefix: try row.string("prefix"), createdAt: try row.date("created_at"),
                      revokedAt: try row.optionalDate("revoked_at"))
    }
}
