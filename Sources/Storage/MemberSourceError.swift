/// Why a filter query against a member source failed.
public enum MemberSourceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The tenant has no member source (see `MemberSourceSettings`).
    case notConfigured(tenant: String)
    /// The database rejected the query (syntax, unknown table, wrong type, …): the filter's fault.
    case invalidQuery(String)
    /// The query ran longer than the source's statement timeout.
    case timeout(Duration)
    /// The database could not be reached or the connection failed.
    case unavailable(String)
    /// The tenant's member source changed (or was removed) after the request picked it up: the
    /// old database is no longer queried, so nothing read from it is cached after the change.
    case replaced

    public var description: String {
        switch self {
        case .notConfigured(let tenant): "tenant \(tenant) has no member source configured"
        case .invalidQuery(let message): message
        case .timeout(let limit): "the filter query exceeded the statement timeout (\(limit))"
        case .unavailable(let message): "member source unavailable: \(message)"
        case .replaced: "the tenant's member source changed while this request ran; retry"
        }
    }
}
