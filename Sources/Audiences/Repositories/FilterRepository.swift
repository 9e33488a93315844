/// Where a tenant's filters are kept (Storage implements it).
public protocol FilterRepository: Sendable {
    /// Every filter of `tenant`, by id.
    func list(tenant: String) async throws -> [FilterDefinition]
    /// One filter; nil when missing.
    func get(tenant: String, id: String) async throws -> FilterDefinition?
    /// Inserts `filter` (version 1) or replaces it (version + 1); with `expectedVersion`, only if
    /// that is the stored version (else ``FilterRepositoryError/versionConflict(expected:actual:)``,
    /// `actual` 0 when the filter does not exist). Returns the stored filter and whether it was created.
    /// `check` runs first, in the same transaction, on the tenant's catalog under its lock.
    func save(tenant: String, filter: FilterDefinition, expectedVersion: Int?, check: CatalogCheck?) async throws
        -> (filter: FilterDefinition, created: Bool)
    /// Deletes a filter; returns whether it existed. `check` as for `save`.
    func delete(tenant: String, id: String, check: CatalogCheck?) async throws -> Bool
}

extension FilterRepository {
    public func save(tenant: String, filter: FilterDefinition, expectedVersion: Int?) async throws -> (filter: FilterDefinition, created: Bool) {
        try await save(tenant: tenant, filter: filter, expectedVersion: expectedVersion, check: nil)
    }

    @discardableResult
    public func delete(tenant: String, id: String) async throws -> Bool {
        try await delete(tenant: tenant, id: id, check: nil)
    }

    /// Inserts or replaces `filter` whatever its stored version; returns whether it was created.
    @discardableResult
    public func save(tenant: String, filter: FilterDefinition) async throws -> Bool {
        try await save(tenant: tenant, filter: filter, expectedVersion: nil).created
    }
}

public enum FilterRepositoryError: Error, Hashable, Sendable {
    /// The filter was saved by someone else since version `expected` was read.
    case versionConflict(expected: Int, actual: Int)
}
