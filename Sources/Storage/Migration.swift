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

    public init(version: Int, name: String, statements: [String], postgresOnly: [String] = [], sqliteOnly: [String] = []) {
        self.version = version
        self.name = name
        self.statements = statements
        self.postgresOnly = postgresOnly
        self.sqliteOnly = sqliteOnly
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
