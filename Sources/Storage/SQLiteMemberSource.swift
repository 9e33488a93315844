import Audiences
import Foundation
import Logging
import NIOCore
import Roaring
import SQLiteNIO
import VaporCSQLite

/// Runs filters on an SQLite file (the embedded database): each query on its own connection
/// with `PRAGMA query_only` (read-only), rows read into a bitmap.
///
/// Binding: strings and dates as text, integers as integers, decimals as numbers, booleans as
/// 0/1, lists as JSON text (use `json_each(:list)`). SQLite cannot interrupt a statement from
/// here, so the statement timeout is not enforced on the embedded SQLite source (use PostgreSQL
/// for production member data).
public struct SQLiteMemberSource: MemberSource {
    let path: String
    public let maxConcurrentQueries: Int
    let logger: Logger

    public init(path: String, maxConcurrentQueries: Int, logger: Logger) {
        self.path = path
        self.maxConcurrentQueries = max(1, maxConcurrentQueries)
        self.logger = logger
    }

    public func members(of filter: FilterDefinition, parameters: [String: ParameterValue]) async throws -> Bitmap {
        let (sql, order) = filter.positionalSQL()
        let binds = try order.map { name in
            guard let value = parameters[name] else { throw MemberSourceError.invalidQuery("parameter :\(name) has no value") }
            return Self.data(value)
        }
        let rows = try await readOnly { try await $0.query("WITH s(id) AS (\n\(sql)\n) SELECT id FROM s", binds) }
        var values = [UInt32]()
        values.reserveCapacity(rows.count)
        for row in rows {
            switch row.columns.first?.data ?? .null {
            case .null: continue
            case .integer(let id) where id >= 0 && id <= Int(UInt32.max): values.append(UInt32(id))
            case .integer(let id): throw MemberSourceError.invalidQuery("member id \(id) is not an unsigned 32-bit integer")
            case let other: throw MemberSourceError.invalidQuery("member ids must be integers, found \(other)")
            }
        }
        return Bitmap(values)
    }

    /// Prepares `filter` without reading rows: it must compile and return exactly one column.
    /// Every parameter SQLite finds must be one Marquee binds (`$1…$n` from `:name`): SQLite
    /// also takes `?`, `?7`, `:7`, `@x`, `$x` (even in `$t$…$t$`) and `#x`, which nothing binds,
    /// so they read NULL and silently emptied the filter (found by review).
    public func check(_ filter: FilterDefinition) async throws {
        let (sql, order) = filter.positionalSQL()
        let statement = "WITH s(id) AS (\n\(sql)\n) SELECT id FROM s LIMIT 0"
        let bound = Set(order.indices.map { "$\($0 + 1)" })
        let path = path
        // Blocking C calls: off the caller's executor (an HTTP event loop, say).
        let names = try await Task.detached { try Self.parameterNames(in: statement, path: path) }.value
        if let foreign = names.first(where: { !bound.contains($0) }) {
            throw MemberSourceError.invalidQuery("\(foreign) is a parameter to SQLite that nothing binds (it would read NULL): write :name and declare it")
        }
        let binds = order.map { name in Self.data(filter.parameter(named: name).map { ParameterValue.sample(of: $0.type) } ?? .string("")) }
        _ = try await readOnly { try await $0.query(statement, binds) }
    }

    /// The parameters of `sql` as SQLite numbers them (`?` for a nameless one), from a prepare on
    /// a read-only handle of its own (sqlite-nio does not expose them). A statement that does not
    /// prepare returns none: the query below reports its error.
    static func parameterNames(in sql: String, path: String) throws -> [String] {
        var database: OpaquePointer?
        defer { sqlite_nio_sqlite3_close(database) }
        guard sqlite_nio_sqlite3_open_v2(path, &database, SQLITE_OPEN_READONLY, nil) == SQLITE_OK else {
            throw MemberSourceError.unavailable("cannot open \(path)")
        }
        sqlite_nio_sqlite3_busy_timeout(database, 5000)  // as the query connection's busy_timeout
        var statement: OpaquePointer?
        defer { sqlite_nio_sqlite3_finalize(statement) }
        guard sqlite_nio_sqlite3_prepare_v2(database, sql, -1, &statement, nil) == SQLITE_OK else { return [] }
        let count = sqlite_nio_sqlite3_bind_parameter_count(statement)
        guard count > 0 else { return [] }
        return (1...count).map { index in sqlite_nio_sqlite3_bind_parameter_name(statement, index).map { String(cString: $0) } ?? "?" }
    }

    func readOnly<T: Sendable>(_ body: @Sendable (SQLiteConnection) async throws -> T) async throws -> T {
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        } catch {
            throw MemberSourceError.unavailable(String(describing: error))
        }
        do {
            _ = try await connection.query("PRAGMA query_only = ON", [])
            _ = try await connection.query("PRAGMA busy_timeout = 5000", [])
            let result = try await body(connection)
            try? await connection.close()
            return result
        } catch {
            try? await connection.close()
            if let error = error as? SQLiteError { throw MemberSourceError.invalidQuery(error.message) }
            throw error
        }
    }

    static func data(_ value: ParameterValue) -> SQLiteData {
        switch value {
        case .string(let text), .date(let text): .text(text)
        case .integer(let int): .integer(Int(int))
        case .decimal(let text): Int(text).map { .integer($0) } ?? .float(Double(text) ?? 0)
        case .boolean(let bool): .integer(bool ? 1 : 0)
        case .stringArray(let texts): .text(String(decoding: (try? JSONEncoder().encode(texts)) ?? Data("[]".utf8), as: UTF8.self))
        case .integerArray(let ints): .text("[" + ints.map { String($0) }.joined(separator: ",") + "]")
        }
    }
}
