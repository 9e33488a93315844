/// The size and cost of one node of an evaluated audience, so a UI can show each filter's and
/// each group's size. Nodes are listed in pre-order (root first).
public struct AudienceNodeResult: Hashable, Sendable, Codable {
    /// What the node is.
    public enum Kind: String, Hashable, Sendable, Codable {
        case all, any, filter
    }

    /// JSON pointer of the node in the audience definition (`""` for the root).
    public var path: String
    public var kind: Kind
    /// The filter id (leaves only).
    public var filter: String?
    /// Whether the leaf is excluded (leaves only).
    public var exclude: Bool?
    /// Members the node selects (for an excluded leaf: the members the filter does *not*
    /// match). Nil for a node whose set is "everything but …" when the evaluation did not need
    /// the universe (see docs/audiences.md).
    public var count: Int?
    /// Members the leaf's filter matched, before any exclusion (leaves only).
    public var matched: Int?
    /// Leaves: served from the cache. Groups: every leaf below was (the root: and the universe,
    /// when the evaluation needed it).
    public var cached: Bool
    /// Leaves: time to get the filter's result (cache, shared or own query). Groups: the
    /// slowest child plus the group's own set algebra.
    public var ms: Double
}
