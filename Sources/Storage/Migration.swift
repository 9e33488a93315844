/// One versioned schema change, written once for both backends.
///
/// Statements run one at a time (PostgreSQL's extended protocol takes one statement per query).
/// Type placeholders are replaced per backend: `{timestamp}`, `{json}`, `{blob}`, `{bigserial}`.
public struct Migration: Sendable {
    public var version: Int
    public var name: String
    public var statements: [String]
    /// Backend-specific statements (triggers, functions), run after `statements`.
    public var postgresOnly: [String]
    public var sqliteOnly: [String]
    /// PostgreSQL table locks this migration needs, taken before *any* pending migration runs
    /// (tables that do not exist yet are skipped). An earlier pending migration's DDL may lock a
    /// table a writer needs after it has locked one of these: taking these first keeps the order.
    public var postgresLocksFirst: [(tables: [String], mode: String)]

    public init(version: Int, name: String, statements: [String], postgresOnly: [String] = [], sqliteOnly: [String] = [],
                postgresLocksFirst: [(tables: [String], mode: String)] = []) {
        self.version = version
        self.name = name
        self.statements = statements
        self.postgresOnly = postgresOnly
        self.sqliteOnly = sqliteOnly
        self.postgresLocksFirst = postgresLocksFirst
    }

    /// ``postgresLocksFirst`` as statements that lock only the tables that exist.
    var postgresLockStatements: [String] {
        postgresLocksFirst.map { lock in
            let tables = lock.tables.map { "'\($0)'" }.joined(separator: ", ")
            return """
                DO $$ DECLARE t text; BEGIN
                  FOREACH t IN ARRAY ARRAY[\(tables)] LOOP
                    IF to_regclass(t) IS NOT NULL THEN EXECUTE format('LOCK TABLE %I IN \(lock.mode) MODE', t); END IF;
                  END LOOP;
                END $$
                """
        }
    }

    func statements(for dialect: SQLDialect) -> [String] {
        let specific = dialect == .postgres ? postgresOnly : sqliteOnly
        return portableStatements(for: dialect) + specific
    }

    func portableStatements(for dialect: SQLDialect) -> [String] {
        let types: [String: String] = switch dialect {
        case .postgres: ["{timestamp}": "timestamptz", "{json}": "jsonb", "{blob}": "bytea", "{bigserial}": "bigserial"]
        case .sqlite: ["{timestamp}": "TEXT", "{json}": "TEXT", "{blob}": "BLOB", "{bigserial}": "INTEGER"]
        }
        return statements.map { statement in
            types.reduce(statement) { $0.replacingOccurrences(of: $1.key, with: $1.value) }
        }
    }
}
