import Foundation
import Logging
import NIOCore
import SQLiteNIO

/// The embedded backend: one SQLite file, one connection, statements serialised through a gate.
///
/// One connection keeps transactions simple and correct (SQLite has a single writer anyway);
/// the hot paths (pricing, warm audiences) never touch the database.
public final class SQLiteDatabase: SQLDatabase {
    public let dialect = SQLDialect.sqlite
    let connection: SQLiteConnection
    let gate = SerialGate()

    private init(connection: SQLiteConnection) {
        self.connection = connection
    }

    /// Opens (and creates) the database file, creating its directory when needed.
    public static func open(path: String, logger: Logger) async throws -> SQLiteDatabase {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        let database = SQLiteDatabase(connection: connection)
        _ = try await connection.query("PRAGMA journal_mode=WAL", [])
        _ = try await connection.query("PRAGMA foreign_keys=ON", [])
        _ = try await connection.query("PRAGMA busy_timeout=5000", [])
        return database
    }

    public func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        try await gate.run { try await self.unlockedQuery(sql, binds) }
    }

    public func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        try await gate.run {
            _ = try await self.unlockedQuery("BEGIN IMMEDIATE", [])
            do {
                let result = try await body(SQLiteTransactionExecutor(database: self))
                _ = try await self.connection.query("COMMIT", [])
                return result
            } catch {
                _ = try? await self.connection.query("ROLLBACK", [])
                throw error
            }
        }
    }

    public func run() async {
        // Nothing runs in the background; wait until cancelled.
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(3600))
        }
    }

    /// Closes the connection, also from a cancelled task (sqlite-nio skips work submitted by one).
    /// Through the gate: a statement still running (a last save during shutdown) finishes first,
    /// and later ones get `StorageError.closed` instead of a freed handle.
    public func close() async {
        let connection = self.connection, gate = gate
        try? await Task.detached { try await gate.run { try await connection.close() } }.value
    }

    /// Runs a statement; the caller holds the gate.
    func unlockedQuery(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        guard !connection.isClosed else { throw StorageError.closed }
        let rows = try await connection.query(SQLiteStatementText.rewrite(sql), binds.map(Self.data))
        return rows.map { row in
            var columns: [String: SQLValue] = [:]
            for column in row.columns {
                columns[column.name] = Self.value(column.data)
            }
            return SQLRow(columns: columns)
        }
    }

    static func data(_ value: SQLValue) -> SQLiteData {
        switch value {
        case .null: .null
        case .int(let int): .integer(int)
        case .double(let double): .float(double)
        case .text(let text), .json(let text): .text(text)
        case .bool(let bool): .integer(bool ? 1 : 0)
        case .blob(let bytes): .blob(ByteBuffer(bytes: bytes))
        case .date(let date): .text(SQLDateFormat.format(date))
        }
    }

    static func value(_ data: SQLiteData) -> SQLValue {
        switch data {
        case .null: .null
        case .integer(let int): .int(int)
        case .float(let double): .double(double)
        case .text(let text): .text(text)
        case .blob(let buffer): .blob(Array(buffer: buffer))
        }
    }
}

/// Statements inside a transaction (the gate is already held).
struct SQLiteTransactionExecutor: SQLExecutor {
    let database: SQLiteDatabase
    var dialect: SQLDialect { .sqlite }

    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        try await database.unlockedQuery(sql, binds)
    }
}
