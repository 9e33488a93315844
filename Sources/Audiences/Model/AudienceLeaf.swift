/// A leaf of an audience tree: one filter with its parameters, optionally excluded.
///
/// JSON: `{"filter": "watched_genre", "params": {"genre": "horror"}, "exclude": false}`
/// (`params` and `exclude` may be omitted). Exclusion means "members not matched by this filter".
public struct AudienceLeaf: Hashable, Sendable {
    /// The filter's id (slug).
    public var filter: String
    /// Parameter values as written; checked against the filter's declared types on resolution.
    public var params: [String: ParameterInput]
    /// Selects the members the filter does *not* match.
    public var exclude: Bool

    /// A leaf using `filter` with `params`.
    public init(filter: String, params: [String: ParameterInput] = [:], exclude: Bool = false) {
        self.filter = filter
        self.params = params
        self.exclude = exclude
    }
}
