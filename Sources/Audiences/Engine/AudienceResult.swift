import Roaring

/// An evaluated audience: its members, their count, and per-node counts and timings.
///
/// Encodes (without the member bitmap) as
/// `{"count": N, "nodes": [{"path", "kind", "count", "cached", "ms", …}], "elapsedMs": …, "usedUniverse": …}`.
public struct AudienceResult: Sendable, Encodable {
    /// Members in the audience.
    public var count: Int
    /// Every node, pre-order.
    public var nodes: [AudienceNodeResult]
    /// Wall time of the evaluation.
    public var elapsedMs: Double
    /// Whether the universe filter was needed (the audience contains members matched by none of
    /// its filters).
    public var usedUniverse: Bool
    /// Filter queries this evaluation started (the rest came from the cache or shared queries).
    public var queries: Int
    /// The members (for listing pages with `elements(from:)`, snapshots, membership tests).
    public var members: Bitmap

    private enum CodingKeys: String, CodingKey {
        case count, nodes, elapsedMs, usedUniverse, queries
    }
}
