/// The baseline the engine replaces: one SQL statement per audience, as the original group
/// builder ran it. Every distinct leaf's member ids are tagged with a leaf number and combined
/// with `UNION ALL`, grouped by member, and the `HAVING` clause combines per-leaf flags
/// `MAX(CASE WHEN leaf = k THEN 1 ELSE 0 END)` with AND/OR per the tree (`= 1` included,
/// `= 0` excluded).
///
/// Exclusions are written correctly: when the audience contains members matched by none of its
/// filters (`ResolvedAudience.needsUniverse`), the universe is one more branch (leaf 0, no
/// flag), so those members have a group; otherwise the universe is left out (the groups of the
/// leaves suffice). The result is the same set the engine computes.
///
/// Portable SQL (PostgreSQL and SQLite): `$n` placeholders, a CTE with a column list, no
/// dialect-specific syntax beyond what the filters themselves use. Ordered by member id.
public enum SingleQueryFormulation {
    /// The statement for `definition` resolved against `catalog`, and the values to bind to
    /// `$1…$n`. Throws `AudienceValidationError` like `FilterCatalog.resolve`.
    public static func sql(for definition: AudienceDefinition, catalog: FilterCatalog,
                           limits: AudienceLimits = AudienceLimits()) throws(AudienceValidationError)
        -> (sql: String, binds: [ParameterValue])
    {
        sql(for: try catalog.resolve(definition, limits: limits))
    }

    /// The statement for a resolved audience and its binds.
    public static func sql(for audience: ResolvedAudience) -> (sql: String, binds: [ParameterValue]) {
        var binds: [ParameterValue] = []
        var branches: [String] = []
        func branch(_ request: FilterRequest, leaf: Int) {
            let (sql, order) = request.filter.positionalSQL(startingAt: binds.count + 1)
            binds.append(contentsOf: order.map { request.parameters[$0]! })
            branches.append("  SELECT f.*, \(leaf) FROM (\n\(sql)\n  ) AS f")  // the filter text verbatim (literals may span lines)
        }
        for (index, request) in audience.requests.enumerated() { branch(request, leaf: index + 1) }
        if let universe = audience.universe { branch(universe, leaf: 0) }
        let having = condition(audience.root)
        let sql = """
            WITH tagged(member_id, leaf) AS (
            \(branches.joined(separator: "\n  UNION ALL\n"))
            )
            SELECT member_id FROM tagged
            GROUP BY member_id
            HAVING \(having)
            ORDER BY member_id
            """
        return (sql, binds)
    }

    private static func condition(_ node: ResolvedAudience.Node) -> String {
        switch node {
        case .leaf(let leaf):
            "MAX(CASE WHEN leaf = \(leaf.requestIndex + 1) THEN 1 ELSE 0 END) = \(leaf.exclude ? 0 : 1)"
        case .group(let kind, let children, _):
            "(" + children.map(condition).joined(separator: kind == .all ? " AND " : " OR ") + ")"
        }
    }
}
