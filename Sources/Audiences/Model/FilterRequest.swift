/// One filter with bound, typed parameter values: exactly one SQL query.
public struct FilterRequest: Hashable, Sendable {
    /// The filter definition (its SQL and declared parameters).
    public let filter: FilterDefinition
    /// Values by parameter name, validated against the filter's declarations.
    public let parameters: [String: ParameterValue]
    /// The parameters as canonical JSON (keys sorted), e.g. `{"genre":"horror","since":"2024-01-01"}`.
    public let canonicalParameters: String

    /// A request for `filter` with `parameters` (assumed validated; see `FilterCatalog.resolve`).
    public init(filter: FilterDefinition, parameters: [String: ParameterValue] = [:]) {
        self.filter = filter
        self.parameters = parameters
        canonicalParameters = Self.canonicalParameters(parameters)
    }

    /// `parameters` as canonical JSON: the `parameters` part of a cache key.
    public static func canonicalParameters(_ parameters: [String: ParameterValue]) -> String {
        CanonicalJSON.object(parameters.mapValues(\.canonicalJSON))
    }

    /// The cache key of this request for `tenant`.
    public func key(tenant: String) -> FilterCacheKey {
        FilterCacheKey(tenant: tenant, filterID: filter.id, fingerprint: filter.fingerprint, parameters: canonicalParameters)
    }

    /// The values bound for `$1…$n` of `filter.positionalSQL()`.
    public var binds: [ParameterValue] { filter.binds(parameters) }
}
