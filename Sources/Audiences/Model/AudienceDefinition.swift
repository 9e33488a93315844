/// An audience as a marketer builds it: a tree of AND/OR groups over filter leaves.
///
/// ```json
/// {"all": [
///   {"filter": "watched_genre", "params": {"genre": "horror", "since": "2024-01-01"}},
///   {"any": [{"filter": "lives_in", "params": {"city": "Oslo"}},
///            {"filter": "opted_out_email", "exclude": true}]}
/// ]}
/// ```
///
/// Decoding checks the shape (exactly one of `all`/`any`/`filter`, no unknown keys) and throws
/// `DecodingError` with the coding path of the offending object; `FilterCatalog.resolve(_:)`
/// checks it against the filters (see `AudienceIssue(_:basePath:)` to report both the same way).
public indirect enum AudienceDefinition: Hashable, Sendable {
    /// Members in every child (AND).
    case all([AudienceDefinition])
    /// Members in at least one child (OR).
    case any([AudienceDefinition])
    /// One filter, included or excluded.
    case filter(AudienceLeaf)

    /// Leaf shorthand.
    public static func filter(_ id: String, params: [String: ParameterInput] = [:], exclude: Bool = false) -> AudienceDefinition {
        .filter(AudienceLeaf(filter: id, params: params, exclude: exclude))
    }
}

extension AudienceDefinition: Codable {
    private typealias Key = MemberKey

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        let keys = Set(container.allKeys.map(\.stringValue))
        let kinds = ["all", "any", "filter"].filter(keys.contains)
        guard kinds.count == 1, let kind = kinds.first else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: kinds.isEmpty
                    ? "expected a group {\"all\": [...]} or {\"any\": [...]} or a leaf {\"filter\": \"id\", \"params\": {...}}"
                    : "an audience node has exactly one of \"all\", \"any\" and \"filter\""))
        }
        let allowed: Set<String> = kind == "filter" ? ["filter", "params", "exclude"] : [kind]
        if let unknown = container.allKeys.first(where: { !allowed.contains($0.stringValue) }) {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath + [unknown],
                debugDescription: kind == "filter" ? "unknown field '\(unknown.stringValue)' (a leaf has filter, params, exclude)"
                    : "unknown field '\(unknown.stringValue)' in a group"))
        }
        switch kind {
        case "all": self = .all(try container.decode([AudienceDefinition].self, forKey: .all))
        case "any": self = .any(try container.decode([AudienceDefinition].self, forKey: .any))
        default:
            self = .filter(AudienceLeaf(
                filter: try container.decode(String.self, forKey: .filter),
                params: try container.decodeIfPresent([String: ParameterInput].self, forKey: .params) ?? [:],
                exclude: try container.decodeIfPresent(Bool.self, forKey: .exclude) ?? false))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch self {
        case .all(let children): try container.encode(children, forKey: .all)
        case .any(let children): try container.encode(children, forKey: .any)
        case .filter(let leaf):
            try container.encode(leaf.filter, forKey: .filter)
            if !leaf.params.isEmpty { try container.encode(leaf.params, forKey: .params) }
            if leaf.exclude { try container.encode(true, forKey: .exclude) }
        }
    }
}
