import Roaring

/// The result of asking the cache for one filter's members.
public struct FilterFetch: Sendable {
    /// Where the result came from.
    public enum Origin: String, Sendable, Codable {
        /// A fresh cache entry.
        case cache
        /// A query this request started.
        case query
        /// A query another request had started (single flight).
        case shared
    }

    /// The member ids.
    public var members: Bitmap
    public var origin: Origin
    /// Time this request spent, including waiting for a permit or a shared query.
    public var duration: Duration

    /// Whether it was served from the cache.
    public var cached: Bool { origin == .cache }
}
