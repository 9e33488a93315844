/// Storage of tenants and API keys (implemented by the Storage module).
public protocol AccountRepository: Sendable {
    /// Creates a tenant; throws `AccountError.tenantExists` when the name is taken.
    func createTenant(name: String) async throws -> Tenant
    func tenant(named name: String) async throws -> Tenant?
    func tenant(id: String) async throws -> Tenant?
    func listTenants() async throws -> [Tenant]
    /// Stores a new key for the tenant and returns it with its secret (shown once).
    func createKey(tenantID: String, role: Role) async throws -> IssuedKey
    /// The key and tenant for a secret's hash, if the key exists and is not revoked.
    func authenticate(secretHash: String) async throws -> (APIKey, Tenant)?
    func listKeys(tenantID: String) async throws -> [APIKey]
    /// A key of this tenant (nil for another tenant's key: callers answer 404).
    func key(id: String, tenantID: String) async throws -> APIKey?
    /// Revokes a key of this tenant; false when there is no such key.
    func revokeKey(id: String, tenantID: String) async throws -> Bool
    /// Sets how pricing rounds for this tenant; nil when there is no such tenant.
    func setRounding(tenantID: String, _ rounding: MoneyRounding) async throws -> Tenant?
}

/// Errors of account management.
public enum AccountError: Error, Equatable, Sendable, CustomStringConvertible {
    case tenantExists(String)
    case unknownTenant(String)
    case invalidTenantName(String)

    /// What the CLI prints.
    public var description: String {
        switch self {
        case .tenantExists(let name): "a tenant named \"\(name)\" exists"
        case .unknownTenant(let name): "no tenant named \"\(name)\""
        case .invalidTenantName(let name): "\"\(name)\" is not a valid tenant name (\(Tenant.nameRule))"
        }
    }
}
