extension FilterDefinition {
    /// The SQL with `:name` placeholders rewritten to `$1…$n` (numbered by first use; a name used
    /// twice gets the same number) and the parameter names in binding order.
    public func positionalSQL() -> (sql: String, parameterOrder: [String]) {
        SQLPlaceholderScanner(sql).positional(startingAt: 1)
    }

    /// Like `positionalSQL()`, numbering from `start` (to embed several filters in one statement).
    public func positionalSQL(startingAt start: Int) -> (sql: String, parameterOrder: [String]) {
        SQLPlaceholderScanner(sql).positional(startingAt: start)
    }

    /// The distinct placeholder names the SQL uses, in order of first use.
    public var placeholderNames: [String] {
        var seen = Set<String>()
        return SQLPlaceholderScanner(sql).placeholders.map(\.name).filter { seen.insert($0).inserted }
    }

    /// A stable fingerprint (16 hex digits, FNV-1a 64) of what determines the filter's result:
    /// the SQL and the parameter declarations. Part of cache keys, so editing a filter's SQL
    /// never serves results of the old version; stable across processes (persisted usage keys).
    public var fingerprint: String {
        var hash = StableHash()
        hash.combine(sql)
        for parameter in parameters.sorted(by: { $0.name < $1.name }) {
            hash.combine(parameter.name)
            hash.combine(parameter.type.rawValue)
        }
        return hash.hexDigest
    }

    /// The values bound for `$1…$n` of `positionalSQL()`, taken from `parameters` by name.
    /// Precondition: `parameters` was validated against this filter.
    public func binds(_ parameters: [String: ParameterValue]) -> [ParameterValue] {
        positionalSQL().parameterOrder.map { name in
            guard let value = parameters[name] else { preconditionFailure("unbound parameter :\(name)") }
            return value
        }
    }
}
