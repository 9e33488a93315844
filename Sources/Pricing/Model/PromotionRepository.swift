/// Where a tenant's promotions are stored. Storage implements it (PostgreSQL, SQLite); pricing
/// never calls it on the hot path — it reads a ``PromotionSnapshot`` built from ``list(tenant:)``.
///
/// Versions: `create` stores version 1; every successful `update` stores `expectedVersion + 1`.
public protocol PromotionRepository: Sendable {
    /// Every promotion of the tenant (enabled or not), ordered by id.
    func list(tenant: String) async throws -> [Promotion]

    /// One promotion, or `nil` if the tenant has no promotion with this id.
    func get(tenant: String, id: String) async throws -> Promotion?

    /// Stores a new promotion with version 1 and returns it.
    /// - Throws: ``PromotionRepositoryError/alreadyExists(id:)`` if the id is taken.
    func create(tenant: String, promotion: Promotion) async throws -> Promotion

    /// Replaces a promotion if its stored version is `expectedVersion`; returns the stored
    /// promotion with version `expectedVersion + 1`. A `nil` expected version replaces
    /// unconditionally (a `PUT` without `If-Match`).
    /// - Throws: ``PromotionRepositoryError/notFound(id:)``, ``PromotionRepositoryError/versionConflict(id:expected:actual:)``.
    func update(tenant: String, promotion: Promotion, expectedVersion: Int?) async throws -> Promotion

    /// Deletes a promotion (optionally only at `expectedVersion`).
    /// - Throws: ``PromotionRepositoryError/notFound(id:)``, ``PromotionRepositoryError/versionConflict(id:expected:actual:)``.
    func delete(tenant: String, id: String, expectedVersion: Int?) async throws
}
