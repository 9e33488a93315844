import Audiences

/// Resolves every filter of one catalog to one source, for pre-warming.
struct CatalogResolver: FilterResolver {
    var catalog: FilterCatalog
    var source: InMemoryMemberSource

    func resolveFilter(tenant: String, filterID: String) async throws -> (FilterDefinition, any MemberSource)? {
        guard let filter = catalog[filterID] else { return nil }
        return (filter, source)
    }
}
