/// Where a tenant's filters are kept (Storage implements it).
public protocol FilterRepository: Sendable {
    /// Every filter of `tenant`, by id.
    func list(tenant: String) async throws -> [FilterDefinition]
    /// One filter; nil when missing.
    func get(tenant: String, id: String) async throws -> FilterDefinition?
    /// Inserts or replaces `filter`; returns whether it was created.
    @discardableResult
    func save(tenant: String, filter: FilterDefinition) async throws -> Bool
    /// Deletes a filter; returns whether it existed.
    @discardableResult
    func delete(tenant: String, id: String) async throws -> Bool
}
