/// Failures a ``PromotionRepository`` reports as values (mapped to HTTP 404, 409 and 412).
public enum PromotionRepositoryError: Error, Sendable, Hashable {
    /// No promotion with this id for the tenant (404).
    case notFound(id: String)
    /// `create` with an id that already exists (409).
    case alreadyExists(id: String)
    /// The stored version is not the expected one (412 for a stale `If-Match`).
    case versionConflict(id: String, expected: Int, actual: Int)
}
