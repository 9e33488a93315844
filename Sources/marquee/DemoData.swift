import Accounts
import Storage

/// The demo tenant a newcomer plays with.
enum DemoData {
    static let tenant = "demo"

    /// Creates the demo tenant if missing and returns a fresh admin key for it.
    static func seed(store: Store) async throws -> String {
        let existing = try await store.accounts.tenant(named: tenant)
        let tenant = if let existing { existing } else { try await store.accounts.createTenant(name: tenant) }
        return try await store.accounts.createKey(tenantID: tenant.id, role: .admin).secret
    }

    static func instructions(base: String, key: String) -> String {
        """

        Marquee demo is running at \(base) (tenant "\(tenant)"). Try:

          export KEY=\(key)
          curl -s \(base)/readyz
          curl -s -H "Authorization: Bearer $KEY" \(base)/v1/tenant
          curl -s -H "Authorization: Bearer $KEY" \(base)/v1/keys
          curl -s -X POST -H "Authorization: Bearer $KEY" -d '{"role":"pricing"}' \(base)/v1/keys
          curl -s \(base)/metrics | head -20

        Stop with Ctrl-C.
        """
    }
}
