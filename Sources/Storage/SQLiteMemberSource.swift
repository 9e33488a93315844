import Audiences
import Foundation
import Logging
import NIOCore
import Roaring
import SQLiteNIO

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
    public func check(_ filter: FilterDefinition) async throws {
        if let marker = filter.sqliteOnlyPlaceholders.first {
            throw MemberSourceError.invalidQuery("\(marker) is a parameter to SQLite that nothing binds (it would read NULL): write :name and declare it")
        }
        let (sql, order) = filter.positionalSQL()
        let binds = order.map { name in Self.data(filter.parameter(named: name).map { ParameterValue.sample(of: $0.type) } ?? .string("")) }
        _ = try await readOnly { try await $0.query("WITH s(id) AS (\n\(sql)\n) SELECT id FROM s LIMIT 0", binds) }
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
