import Audiences
import Storage

/// Puts the cinema dataset behind a tenant: its member source, the catalog's filters, the saved
/// audiences.
public enum CinemaTenant {
    /// Saves the catalog's filters and audiences for `tenant` (replacing same-id ones).
    public static func install(store: Store, tenant: String) async throws {
        for filter in CinemaCatalog.filters { try await store.filters.save(tenant: tenant, filter: filter) }
        for audience in CinemaCatalog.audiences {
            if try await store.audiences.get(tenant: tenant, id: audience.id) == nil {
                _ = try await store.audiences.create(tenant: tenant, audience: audience)
            } else {
                _ = try await store.audiences.update(tenant: tenant, audience: audience, expectedVersion: nil)
            }
        }
    }
}
