/// Reported to the cache's observer after every filter query, e.g. to feed a duration
/// histogram labelled by reason and outcome.
public struct FilterQueryEvent: Sendable {
    /// Why the query ran.
    public enum Reason: String, Sendable {
        /// A request found no fresh entry.
        case miss
        /// Background refresh ahead of expiry.
        case refresh
        /// Start-up pre-warming.
        case prewarm
    }

    public var tenant: String
    public var filterID: String
    public var reason: Reason
    /// Time in the query (not waiting for a permit).
    public var duration: Duration
    /// Members returned; nil when the query failed.
    public var count: Int?
    /// The error's description when the query failed.
    public var failure: String?
}
