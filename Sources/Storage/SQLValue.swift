import Foundation

/// A value bound to, or read from, a SQL statement; the common ground of both backends.
public enum SQLValue: Sendable, Hashable {
    case null
    case int(Int)
    case double(Double)
    case text(String)
    case bool(Bool)
    case blob([UInt8])
    /// Stored as `timestamptz` in PostgreSQL and as ISO 8601 text in SQLite.
    case date(Date)
    /// Stored as `jsonb` in PostgreSQL and as text in SQLite.
    case json(String)
}

/// One result row, by column name.
public struct SQLRow: Sendable {
    public var columns: [String: SQLValue]

    public init(columns: [String: SQLValue]) {
        self.columns = columns
    }

    public subscript(_ name: String) -> SQLValue { columns[name] ?? .null }

    public func string(_ name: String) throws -> String {
        switch self[name] {
        case .text(let value), .json(let value): return value
        case .int(let value): return String(value)
        default: throw SQLRowError.unexpectedType(column: name, found: self[name])
        }
    }

    public func optionalString(_ name: String) throws -> String? {
        if case .null = self[name] { return nil }
        return try string(name)
    }

    public func int(_ name: String) throws -> Int {
        switch self[name] {
        case .int(let value): return value
        case .bool(let value): return value ? 1 : 0
        case .text(let value) where Int(value) != nil: return Int(value)!
        default: throw SQLRowError.unexpectedType(column: name, found: self[name])
        }
    }

    public func optionalInt(_ name: String) throws -> Int? {
        if case .null = self[name] { return nil }
        return try int(name)
    }

    public func bool(_ name: String) throws -> Bool {
        switch self[name] {
        case .bool(let value): return value
        case .int(let value): return value != 0
        default: throw SQLRowError.unexpectedType(column: name, found: self[name])
        }
    }

    /// A timestamp, at millisecond precision (what Marquee writes), so values read back equal.
    public func date(_ name: String) throws -> Date {
        let date: Date
        switch self[name] {
        case .date(let value): date = value
        case .text(let value):
            guard let parsed = SQLDateFormat.parse(value) else { throw SQLRowError.unexpectedType(column: name, found: self[name]) }
            date = parsed
        default: throw SQLRowError.unexpectedType(column: name, found: self[name])
        }
        return Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000)
    }

    public func optionalDate(_ name: String) throws -> Date? {
        if case .null = self[name] { return nil }
        return try date(name)
    }

    public func blob(_ name: String) throws -> [UInt8] {
        switch self[name] {
        case .blob(let value): return value
        default: throw SQLRowError.unexpectedType(column: name, found: self[name])
        }
    }
}

public enum SQLRowError: Error, Sendable {
    case unexpectedType(column: String, found: SQLValue)
}

/// The text form of timestamps in SQLite: ISO 8601 UTC with milliseconds (sorts as text).
enum SQLDateFormat {
    /// Rounds to the millisecond (the formatter alone truncates, which loses a millisecond).
    static func format(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (seconds, fraction) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        let whole = Date(timeIntervalSince1970: Double(fraction < 0 ? seconds - 1 : seconds))
            .formatted(Date.ISO8601FormatStyle())
        return String(whole.dropLast()) + String(format: ".%03dZ", fraction < 0 ? fraction + 1000 : fraction)
    }

    static func parse(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }
}
