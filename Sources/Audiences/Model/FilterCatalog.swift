/// A tenant's filters by id, and its universe filter (the one marked `universe`).
public struct FilterCatalog: Sendable {
    /// Filters by id.
    public private(set) var filters: [String: FilterDefinition]

    /// A catalog of `filters` (a later filter with the same id replaces an earlier one).
    public init(_ filters: some Sequence<FilterDefinition>) {
        var byID: [String: FilterDefinition] = [:]
        for filter in filters { byID[filter.id] = filter }
        self.filters = byID
    }

    /// The filter with `id`.
    public subscript(id: String) -> FilterDefinition? { filters[id] }

    /// The universe filter ("all members"); when several are marked (an invalid catalog), the one
    /// with the smallest id.
    public var universe: FilterDefinition? {
        filters.values.filter(\.universe).min { $0.id < $1.id }
    }

    /// Problems with `filter` if it were saved into this catalog (replacing a filter with the
    /// same id): its own validation plus "one universe per tenant".
    public func issues(saving filter: FilterDefinition, limits: FilterLimits = FilterLimits(),
                       basePath: String = "") -> [AudienceIssue]
    {
        var issues = filter.validate(limits: limits, basePath: basePath)
        if filter.universe, let other = filters.values.first(where: { $0.universe && $0.id != filter.id }) {
            issues.append(AudienceIssue(code: "duplicate_universe",
                                        message: "filter '\(other.id)' is already the universe; a tenant has one",
                                        path: JSONPointer.append(basePath, "universe")))
        }
        return issues
    }
}
