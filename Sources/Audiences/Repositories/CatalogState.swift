/// A tenant's filters and saved audiences as the transaction of a catalog change reads them,
/// under the tenant's catalog lock: a check of them still holds when the change commits.
///
/// The controllers' checks against the cached catalog (up to `catalogTTL` old, and another
/// instance's changes unseen) let a universe be deleted, or a filter deleted while an audience
/// using it was being saved, leaving saved audiences that no longer resolve (found by review).
public struct CatalogState: Sendable {
    public var filters: [FilterDefinition]
    public var audiences: [SavedAudience]

    public init(filters: [FilterDefinition], audiences: [SavedAudience]) {
        self.filters = filters
        self.audiences = audiences
    }
}

/// Throws to refuse a catalog change (the transaction is rolled back and the error passed on).
public typealias CatalogCheck = @Sendable (CatalogState) throws -> Void
