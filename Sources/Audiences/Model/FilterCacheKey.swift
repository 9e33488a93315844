/// Identifies one cached filter result: tenant, filter id, filter version (fingerprint of its SQL
/// and parameter declarations) and canonical bound parameters. Stable across processes.
public struct FilterCacheKey: Hashable, Sendable, Codable, CustomStringConvertible {
    public var tenant: String
    public var filterID: String
    /// `FilterDefinition.fingerprint` of the version that computed the result.
    public var fingerprint: String
    /// `FilterRequest.canonicalParameters`.
    public var parameters: String

    /// A key from its parts.
    public init(tenant: String, filterID: String, fingerprint: String, parameters: String) {
        self.tenant = tenant
        self.filterID = filterID
        self.fingerprint = fingerprint
        self.parameters = parameters
    }

    public var description: String { "\(tenant)/\(filterID)@\(fingerprint)\(parameters)" }
}
