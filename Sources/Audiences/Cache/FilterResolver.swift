/// Looks up what pre-warming needs for a stored usage record: the tenant's current filter
/// definition and member source.
public protocol FilterResolver: Sendable {
    /// The current definition of `tenant`'s filter `filterID` and the tenant's member source;
    /// nil when the tenant or the filter no longer exists.
    func resolveFilter(tenant: String, filterID: String) async throws -> (FilterDefinition, any MemberSource)?
}
