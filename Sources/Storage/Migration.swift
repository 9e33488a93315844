/// One versioned schema change, written once for both backends.
///
/// Statements run one at a time (PostgreSQL's extended protocol takes one statement per query).
/// Type placeholders are replaced per backend: `{timestamp}`, `{json}`, `{blob}`, `{bigserial}`.
public struct Migration: Sendable {
    public var version: Int
    public var name: String
    public var statements: [String]

    public init(version: Int, name: String, statements: [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }

    func statements(for dialect: SQLDialect) -> [String] {
        let types: [String: String] = switch dialect {
        case .postgres: ["{timestamp}": "timestamptz", "{json}": "jsonb", "{blob}": "bytea", "{bigserial}": "bigserial"]
        case .sqlite: ["{timestamp}": "TEXT", "{json}": "TEXT", "{blob}": "BLOB", "{bigserial}": "INTEGER"]
        }
        return statements.map { statement in
            types.reduce(statement) { $0.replacingOccurrences(of: $1.key, with: $1.value) }
        }
    }
}
