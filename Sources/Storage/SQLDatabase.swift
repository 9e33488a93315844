/// The SQL dialect of a backend.
public enum SQLDialect: String, Sendable {
    case postgres
    case sqlite
}

/// Runs statements. Statements are written once, PostgreSQL-style (`$1` placeholders, `::type`
/// casts); the SQLite backend rewrites them (see `SQLiteStatement`).
public protocol SQLExecutor: Sendable {
    var dialect: SQLDialect { get }
    /// Runs a statement and returns all its rows.
    @discardableResult
    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow]
}

/// A database: runs statements and transactions.
public protocol SQLDatabase: SQLExecutor {
    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T
    /// Runs the background work the backend needs (the PostgreSQL pool); returns on cancellation.
    func run() async
    /// Closes connections; called after `run` returns.
    func close() async
}

extension SQLExecutor {
    @discardableResult
    public func query(_ sql: String) async throws -> [SQLRow] {
        try await query(sql, [])
    }
}
