/// A saved filter: a parameterised SQL query returning one column of member ids (unsigned 32-bit).
///
/// ```json
/// {"id": "watched_genre", "name": "Watched a genre", "description": "…",
///  "sql": "SELECT DISTINCT member_id FROM tickets t JOIN films f ON f.id = t.film_id WHERE f.genre = :genre AND t.bought_at >= :since",
///  "parameters": [{"name": "genre", "type": "string"}, {"name": "since", "type": "date"}],
///  "cacheTTLSeconds": 600}
/// ```
///
/// Parameters are always bound (see `positionalSQL()`), never spliced into the SQL text.
/// A filter marked `universe` (one per tenant, e.g. `SELECT id FROM members`) defines all members,
/// the set exclusions are taken from.
public struct FilterDefinition: Hashable, Sendable, Codable {
    /// TTL used when a definition does not give one.
    public static let defaultCacheTTLSeconds = 300

    /// A slug, unique per tenant: `[a-z0-9][a-z0-9_-]*`, at most 63 characters.
    public var id: String
    /// Display name.
    public var name: String
    /// Free text for marketers.
    public var description: String
    /// One SQL query (`SELECT`/`WITH`/`VALUES`) returning one column of member ids, using
    /// `:name` placeholders.
    public var sql: String
    /// Declared parameters; must match the placeholders the SQL uses.
    public var parameters: [FilterParameter]
    /// How long a computed result may be served from the cache.
    public var cacheTTLSeconds: Int
    /// Whether this filter defines the tenant's member universe.
    public var universe: Bool
    /// Incremented by every save (storage sets it); not part of ``fingerprint``.
    public var version = 1

    /// A filter definition; see the property docs.
    public init(id: String, name: String, description: String = "", sql: String,
                parameters: [FilterParameter] = [], cacheTTLSeconds: Int = FilterDefinition.defaultCacheTTLSeconds,
                universe: Bool = false)
    {
        self.id = id
        self.name = name
        self.description = description
        self.sql = sql
        self.parameters = parameters
        self.cacheTTLSeconds = cacheTTLSeconds
        self.universe = universe
    }

    private enum CodingKeys: String, CodingKey {
        case id, name, description, sql, parameters, cacheTTLSeconds, universe, version
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        description = try container.decodeIfPresent(String.self, forKey: .description) ?? ""
        sql = try container.decode(String.self, forKey: .sql)
        parameters = try container.decodeIfPresent([FilterParameter].self, forKey: .parameters) ?? []
        cacheTTLSeconds = try container.decodeIfPresent(Int.self, forKey: .cacheTTLSeconds)
            ?? Self.defaultCacheTTLSeconds
        universe = try container.decodeIfPresent(Bool.self, forKey: .universe) ?? false
        version = try container.decodeIfPresent(Int.self, forKey: .version) ?? 1
    }

    /// The declared parameter called `name`.
    public func parameter(named name: String) -> FilterParameter? {
        parameters.first { $0.name == name }
    }
}
