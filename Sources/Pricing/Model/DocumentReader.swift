import Rules

/// Reads typed fields out of a `JSONValue` document while collecting *every* problem as a
/// ``RuleIssue`` with a JSON-pointer path, instead of stopping at the first one.
struct DocumentReader {
    /// Problems found so far, in document order of the calls.
    var issues: [RuleIssue] = []

    mutating func report(_ code: String, _ message: String, at path: String) {
        issues.append(RuleIssue(code: code, message: message, path: path))
    }

    /// The members of `value` if it is an object; reports `type_mismatch` otherwise. Members not in
    /// `allowed` are reported as `unknown_field` (sorted, so the issue order is deterministic).
    mutating func object(_ value: JSONValue, at path: String, allowed: Set<String>? = nil) -> [String: JSONValue]? {
        guard case .object(let members) = value else {
            report("type_mismatch", "expected an object, found \(value.typeName)", at: path)
            return nil
        }
        if let allowed {
            for key in members.keys.sorted() where !allowed.contains(key) {
                report("unknown_field", "unknown field \"\(key)\"", at: JSONPointer.append(path, key))
            }
        }
        return members
    }

    /// A required member; reports `required` when absent (JSON `null` counts as absent).
    mutating func required(_ members: [String: JSONValue], _ key: String, at path: String) -> JSONValue? {
        guard let value = members[key], value != .null else {
            report("required", "\"\(key)\" is required", at: JSONPointer.append(path, key))
            return nil
        }
        return value
    }

    /// A string value; reports `type_mismatch` otherwise, `empty` if `nonEmpty` and empty,
    /// `too_long` beyond `maxLength` UTF-8 bytes.
    mutating func string(_ value: JSONValue, at path: String, nonEmpty: Bool = true, maxLength: Int = 1_024) -> String? {
        guard case .string(let text) = value else {
            report("type_mismatch", "expected a string, found \(value.typeName)", at: path)
            return nil
        }
        if nonEmpty && text.isEmpty {
            report("empty", "must not be empty", at: path)
            return nil
        }
        if text.utf8.count > maxLength {
            report("too_long", "at most \(maxLength) bytes", at: path)
            return nil
        }
        return text
    }

    /// An optional string member (absent or `null` → `nil`, no issue).
    mutating func optionalString(_ members: [String: JSONValue], _ key: String, at path: String, maxLength: Int = 1_024) -> String? {
        guard let value = members[key], value != .null else { return nil }
        return string(value, at: JSONPointer.append(path, key), maxLength: maxLength)
    }

    /// A boolean member with a default.
    mutating func bool(_ members: [String: JSONValue], _ key: String, at path: String, default defaultValue: Bool) -> Bool {
        guard let value = members[key], value != .null else { return defaultValue }
        guard case .bool(let flag) = value else {
            report("type_mismatch", "expected a boolean, found \(value.typeName)", at: JSONPointer.append(path, key))
            return defaultValue
        }
        return flag
    }

    /// An integer within `range`; reports `type_mismatch` or `out_of_range`.
    mutating func integer(_ value: JSONValue, at path: String, in range: ClosedRange<Int>) -> Int? {
        guard case .number(let number) = value else {
            report("type_mismatch", "expected an integer, found \(value.typeName)", at: path)
            return nil
        }
        guard let integer = number.int64Value else {
            report("type_mismatch", "expected an integer, found \(number)", at: path)
            return nil
        }
        guard integer >= Int64(range.lowerBound), integer <= Int64(range.upperBound) else {
            report("out_of_range", "must be between \(range.lowerBound) and \(range.upperBound)", at: path)
            return nil
        }
        return Int(integer)
    }

    /// An array of non-empty strings (duplicates removed, first occurrence kept).
    mutating func stringArray(_ members: [String: JSONValue], _ key: String, at path: String, maxCount: Int = 1_000) -> [String] {
        guard let value = members[key], value != .null else { return [] }
        let arrayPath = JSONPointer.append(path, key)
        guard case .array(let elements) = value else {
            report("type_mismatch", "expected an array of strings, found \(value.typeName)", at: arrayPath)
            return []
        }
        if elements.count > maxCount {
            report("too_many", "at most \(maxCount) elements", at: arrayPath)
            return []
        }
        var result: [String] = []
        var seen: Set<String> = []
        for (index, element) in elements.enumerated() {
            if let text = string(element, at: JSONPointer.append(arrayPath, index)), seen.insert(text).inserted {
                result.append(text)
            }
        }
        return result
    }

    /// An RFC 3339 timestamp member.
    mutating func timestamp(_ members: [String: JSONValue], _ key: String, at path: String) -> RuleDateTime? {
        guard let value = members[key], value != .null else { return nil }
        let memberPath = JSONPointer.append(path, key)
        guard let text = string(value, at: memberPath) else { return nil }
        guard let instant = RuleDateTime(rfc3339: text) else {
            report("invalid_timestamp", "expected an RFC 3339 timestamp such as \"2026-11-27T10:00:00Z\"", at: memberPath)
            return nil
        }
        return instant
    }

    /// A currency code.
    mutating func currency(_ value: JSONValue, at path: String) -> Currency? {
        guard let code = string(value, at: path) else { return nil }
        guard let currency = Currency(code: code) else {
            report("unknown_currency", "\"\(code)\" is not an ISO 4217 currency code", at: path)
            return nil
        }
        return currency
    }

    /// A non-negative amount (decimal string or exact JSON number) in `currency`. When the
    /// currency is unknown (`nil`) the syntax and sign are still checked, and `nil` is returned.
    mutating func amount(_ value: JSONValue, at path: String, currency: Currency?) -> Money? {
        let text: String
        switch value {
        case .string(let string): text = string
        case .number(let number):
            text = number.description
            // Beyond 20 zeros the text is in exponent form, which amounts do not accept: say why.
            if !number.isNegative, text.contains("e") {
                report(number.exponent > 0 ? "too_large" : "too_precise",
                       number.exponent > 0 ? "amount is too large" : "amount has too many fraction digits", at: path)
                return nil
            }
        default:
            report("type_mismatch", "expected a decimal string such as \"49.99\", found \(value.typeName)", at: path)
            return nil
        }
        let probe = currency ?? Currency(code: "CLF")!  // exponent 4: syntax check only
        do {
            let money = try Money(parsing: text, currency: probe)
            if money.minorUnits < 0 {
                report("negative_amount", "must not be negative", at: path)
                return nil
            }
            return currency == nil ? nil : money
        } catch {
            if currency == nil, case .tooPrecise = error { return nil }
            report(error.code, error.message, at: path)
            return nil
        }
    }

    /// A percentage 0...100 with up to four fraction digits (decimal string or JSON number).
    mutating func percent(_ value: JSONValue, at path: String) -> Percent? {
        let text: String
        switch value {
        case .string(let string): text = string
        case .number(let number): text = number.description
        default:
            report("type_mismatch", "expected a percentage such as \"12.5\", found \(value.typeName)", at: path)
            return nil
        }
        if let percent = Percent(parsing: text) { return percent }
        if let number = JSONNumber(text) {
            if number < JSONNumber.zero || JSONNumber(100) < number {
                report("out_of_range", "a percentage must be between 0 and 100", at: path)
            } else {
                report("too_precise", "at most \(Percent.maxFractionDigits) fraction digits", at: path)
            }
        } else {
            report("invalid_percent", "expected a percentage such as \"12.5\"", at: path)
        }
        return nil
    }

    /// A non-negative points rate with up to four fraction digits.
    mutating func pointsRate(_ value: JSONValue, at path: String) -> PointsRate? {
        let text: String
        switch value {
        case .string(let string): text = string
        case .number(let number): text = number.description
        default:
            report("type_mismatch", "expected a decimal such as \"1.5\", found \(value.typeName)", at: path)
            return nil
        }
        guard let rate = PointsRate(parsing: text) else {
            report("invalid_rate", "expected a non-negative decimal with at most 4 fraction digits, at most 10000", at: path)
            return nil
        }
        return rate
    }
}
