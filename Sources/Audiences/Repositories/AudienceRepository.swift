/// Where a tenant's saved audiences and their snapshots are kept (Storage implements it).
public protocol AudienceRepository: Sendable {
    func list(tenant: String) async throws -> [SavedAudience]
    func get(tenant: String, id: String) async throws -> SavedAudience?
    /// Inserts `audience` (version 1); throws `AudienceRepositoryError.alreadyExists`. `check`
    /// runs first, in the same transaction, on the tenant's catalog under its lock.
    func create(tenant: String, audience: SavedAudience, check: CatalogCheck?) async throws -> SavedAudience
    /// Replaces an audience, bumping its version; `expectedVersion` (when given) must match.
    func update(tenant: String, audience: SavedAudience, expectedVersion: Int?, check: CatalogCheck?) async throws -> SavedAudience
    /// Deletes an audience and its snapshots; throws `AudienceRepositoryError.notFound`.
    func delete(tenant: String, id: String) async throws

    /// Stores a snapshot.
    func saveSnapshot(tenant: String, snapshot: AudienceSnapshot) async throws
    /// Snapshots of one audience, newest first, without their members (count only).
    func snapshots(tenant: String, audienceID: String) async throws -> [AudienceSnapshot]
    /// One snapshot without its members (count only); nil when missing.
    func snapshotMetadata(tenant: String, audienceID: String, id: String) async throws -> AudienceSnapshot?
    /// One snapshot with its members; nil when missing.
    func snapshot(tenant: String, audienceID: String, id: String) async throws -> AudienceSnapshot?
    /// Deletes a snapshot; returns whether it existed.
    @discardableResult
    func deleteSnapshot(tenant: String, audienceID: String, id: String) async throws -> Bool
}

/// Failures of `AudienceRepository` writes.
public enum AudienceRepositoryError: Error, Hashable, Sendable {
    case notFound
    case alreadyExists(String)
    case versionConflict(expected: Int, actual: Int)
}

extension AudienceRepository {
    public func create(tenant: String, audience: SavedAudience) async throws -> SavedAudience {
        try await create(tenant: tenant, audience: audience, check: nil)
    }

    public func update(tenant: String, audience: SavedAudience, expectedVersion: Int?) async throws -> SavedAudience {
        try await update(tenant: tenant, audience: audience, expectedVersion: expectedVersion, check: nil)
    }
}
