/// An audience checked against a filter catalog: every leaf bound to its filter definition and
/// typed parameters, ready to evaluate (`AudienceEngine`) or to render as one SQL statement
/// (`SingleQueryFormulation`). Create with `FilterCatalog.resolve(_:limits:basePath:)`.
public struct ResolvedAudience: Sendable {
    /// AND or OR.
    public enum GroupKind: String, Hashable, Sendable, Codable {
        case all, any
    }

    /// A resolved leaf.
    public struct Leaf: Sendable {
        /// The query the leaf needs.
        public let request: FilterRequest
        /// Whether the leaf selects the members the filter does not match.
        public let exclude: Bool
        /// JSON pointer of the leaf in the definition (`""` when the leaf is the root).
        public let path: String
        /// Index of `request` in `ResolvedAudience.requests` (equal requests share one index).
        public let requestIndex: Int
    }

    /// A node of the resolved tree.
    public indirect enum Node: Sendable {
        case group(GroupKind, [Node], path: String)
        case leaf(Leaf)

        /// JSON pointer of the node in the definition.
        public var path: String {
            switch self {
            case .group(_, _, let path): path
            case .leaf(let leaf): leaf.path
            }
        }

        /// True when the node's set is "everything but something": it contains members matched
        /// by none of its filters. Such a set can only be listed relative to the universe.
        public var isComplement: Bool {
            switch self {
            case .leaf(let leaf): leaf.exclude
            case .group(.all, let children, _): children.allSatisfy(\.isComplement)
            case .group(.any, let children, _): children.contains(where: \.isComplement)
            }
        }

        /// Canonical JSON: groups' children sorted (AND/OR commute), `exclude` only when true,
        /// parameters typed and canonical.
        var canonicalForm: String {
            switch self {
            case .group(let kind, let children, _):
                let parts = children.map(\.canonicalForm).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                return "{\"\(kind.rawValue)\":[" + parts.joined(separator: ",") + "]}"
            case .leaf(let leaf):
                var members = ["filter": CanonicalJSON.string(leaf.request.filter.id)]
                if !leaf.request.parameters.isEmpty { members["params"] = leaf.request.canonicalParameters }
                if leaf.exclude { members["exclude"] = "true" }
                return CanonicalJSON.object(members)
            }
        }
    }

    /// The tree.
    public let root: Node
    /// The distinct filter queries of the leaves, in order of first appearance.
    public let requests: [FilterRequest]
    /// The universe query, present exactly when the audience needs it (`root.isComplement`:
    /// the audience contains members matched by none of its filters).
    public let universe: FilterRequest?
    /// Canonical JSON of the audience, equal for audiences that select the same members by the
    /// same filters regardless of child order or parameter spelling; use it for hashing and keys.
    public let canonicalForm: String

    /// Whether evaluation needs the universe.
    public var needsUniverse: Bool { universe != nil }

    init(root: Node, requests: [FilterRequest], universe: FilterRequest?) {
        self.root = root
        self.requests = requests
        self.universe = universe
        canonicalForm = root.canonicalForm
    }
}
