#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// MongoDB's value comparison rules restricted to JSON: equality is deep and by value (numbers
/// numerically, strings byte-wise), ordering only within one type bracket (null, numbers,
/// strings, booleans, date-times); a missing value compares like null.
enum ValueSemantics {
    /// Byte-wise (UTF-8) string equality, as MongoDB's simple collation (Swift's `==` would
    /// treat canonically equivalent Unicode strings as equal).
    @inline(__always)
    static func bytesEqual(_ a: String, _ b: String) -> Bool {
        let ua = a.utf8, ub = b.utf8
        let count = ua.count
        guard count == ub.count else { return false }
        if count == 0 { return true }
        let fast: Bool?? = ua.withContiguousStorageIfAvailable { pa in
            ub.withContiguousStorageIfAvailable { pb in
                memcmp(pa.baseAddress!, pb.baseAddress!, count) == 0
            }
        }
        if let fast, let fast { return fast }
        return ua.elementsEqual(ub)
    }

    /// Byte-wise (UTF-8, i.e. code point) ordering: negative, zero or positive.
    static func bytesCompare(_ a: String, _ b: String) -> Int {
        let ua = a.utf8, ub = b.utf8
        let fast: Int?? = ua.withContiguousStorageIfAvailable { pa in
            ub.withContiguousStorageIfAvailable { pb in
                let common = min(pa.count, pb.count)
                let c = common == 0 ? 0 : Int(memcmp(pa.baseAddress!, pb.baseAddress!, common))
                if c != 0 { return c < 0 ? -1 : 1 }
                return pa.count == pb.count ? 0 : (pa.count < pb.count ? -1 : 1)
            }
        }
        if let fast, let fast { return fast }
        if ua.elementsEqual(ub) { return 0 }
        return ua.lexicographicallyPrecedes(ub) ? -1 : 1
    }

    /// Deep JSON equality with MongoDB's rules (object member order is ignored).
    static func jsonEqual(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.string(let x), .string(let y)): return bytesEqual(x, y)
        case (.array(let x), .array(let y)):
            guard x.count == y.count else { return false }
            for i in x.indices where !jsonEqual(x[i], y[i]) { return false }
            return true
        case (.object(let x), .object(let y)):
            guard x.count == y.count else { return false }
            for (key, value) in x {
                guard let other = y[key], jsonEqual(value, other) else { return false }
            }
            return true
        default: return false
        }
    }

    /// Whether a found value (nil = missing) equals the literal, without array traversal.
    static func equals(_ value: JSONValue?, _ literal: RuleLiteral) -> Bool {
        switch literal {
        case .value(let expected):
            guard let value else { return expected == .null }
            return jsonEqual(value, expected)
        case .dateTime(let expected):
            guard case .string(let text)? = value, let found = parseDateTime(text) else { return false }
            return found == expected
        }
    }

    /// Compares a found value (nil = missing, compared like null) with a literal when both are in
    /// the same type bracket; nil otherwise (then `$gt`… are false).
    static func compare(_ value: JSONValue?, _ literal: RuleLiteral) -> Int? {
        switch literal {
        case .dateTime(let expected):
            guard case .string(let text)? = value, let found = parseDateTime(text) else { return nil }
            return found == expected ? 0 : (found < expected ? -1 : 1)
        case .value(let expected):
            switch (value ?? .null, expected) {
            case (.null, .null): return 0
            case (.number(let x), .number(let y)): return JSONNumber.compare(x, y)
            case (.string(let x), .string(let y)): return bytesCompare(x, y)
            case (.bool(let x), .bool(let y)): return x == y ? 0 : (!x ? -1 : 1)
            default: return nil
            }
        }
    }

    /// Parses an RFC 3339 document string without allocating.
    static func parseDateTime(_ text: String) -> RuleDateTime? {
        let utf8 = text.utf8
        guard utf8.count >= 20, utf8.count <= 40 else { return nil }
        if let parsed = utf8.withContiguousStorageIfAvailable({ RuleDateTime.parse($0) }) { return parsed }
        return RuleDateTime(rfc3339: text)
    }
}
