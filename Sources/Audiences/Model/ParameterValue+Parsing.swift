extension ParameterValue {
    /// Longest accepted string parameter, in characters.
    public static let maxStringLength = 4096
    /// Most elements accepted in an array parameter.
    public static let maxArrayCount = 10_000

    /// Checks `input` against `type`; on failure the issue points at `path`
    /// (or at the offending element of an array).
    public static func parse(_ input: ParameterInput, as type: ParameterType, path: String)
        -> Result<ParameterValue, AudienceIssue>
    {
        func mismatch(_ expected: String) -> Result<ParameterValue, AudienceIssue> {
            .failure(AudienceIssue(code: "invalid_parameter",
                                   message: "expected \(expected), found \(input.kindName)", path: path))
        }
        switch type {
        case .string:
            guard case .string(let text) = input else { return mismatch("a string") }
            return checkedString(text, path: path).map { .string($0) }
        case .integer:
            guard case .integer(let value) = input else { return mismatch("an integer") }
            return .success(.integer(value))
        case .decimal:
            switch input {
            case .integer(let value): return .success(.decimal(String(value)))
            case .string(let text):
                guard let normalised = normalisedDecimal(text) else {
                    return .failure(AudienceIssue(code: "invalid_parameter",
                                                  message: "'\(text)' is not a decimal like \"49.99\"", path: path))
                }
                return .success(.decimal(normalised))
            case .number:
                return .failure(AudienceIssue(code: "invalid_parameter",
                                              message: "decimals are written as strings, e.g. \"49.99\"", path: path))
            default: return mismatch("a decimal string such as \"49.99\"")
            }
        case .date:
            guard case .string(let text) = input else { return mismatch("a date string YYYY-MM-DD") }
            guard isValidDate(text) else {
                return .failure(AudienceIssue(code: "invalid_parameter",
                                              message: "'\(text)' is not a date YYYY-MM-DD", path: path))
            }
            return .success(.date(text))
        case .boolean:
            guard case .bool(let value) = input else { return mismatch("a boolean") }
            return .success(.boolean(value))
        case .stringArray:
            return elements(of: input, path: path, expected: "an array of strings") { element, elementPath in
                guard case .string(let text) = element else {
                    return .failure(AudienceIssue(code: "invalid_parameter",
                                                  message: "expected a string, found \(element.kindName)", path: elementPath))
                }
                return checkedString(text, path: elementPath)
            }.map { .stringArray($0) }
        case .integerArray:
            return elements(of: input, path: path, expected: "an array of integers") { element, elementPath in
                guard case .integer(let value) = element else {
                    return .failure(AudienceIssue(code: "invalid_parameter",
                                                  message: "expected an integer, found \(element.kindName)", path: elementPath))
                }
                return .success(value)
            }.map { .integerArray($0) }
        }
    }

    private static func checkedString(_ text: String, path: String) -> Result<String, AudienceIssue> {
        guard text.count <= maxStringLength else {
            return .failure(AudienceIssue(code: "invalid_parameter",
                                          message: "string longer than \(maxStringLength) characters", path: path))
        }
        guard !text.unicodeScalars.contains("\u{0}") else {
            return .failure(AudienceIssue(code: "invalid_parameter", message: "string contains NUL", path: path))
        }
        return .success(text)
    }

    private static func elements<Element>(
        of input: ParameterInput, path: String, expected: String,
        _ parse: (ParameterInput, String) -> Result<Element, AudienceIssue>
    ) -> Result<[Element], AudienceIssue> {
        guard case .array(let items) = input else {
            return .failure(AudienceIssue(code: "invalid_parameter",
                                          message: "expected \(expected), found \(input.kindName)", path: path))
        }
        guard items.count <= maxArrayCount else {
            return .failure(AudienceIssue(code: "invalid_parameter",
                                          message: "more than \(maxArrayCount) elements", path: path))
        }
        var values: [Element] = []
        values.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            switch parse(item, JSONPointer.append(path, index)) {
            case .success(let value): values.append(value)
            case .failure(let issue): return .failure(issue)
            }
        }
        return .success(values)
    }

    /// `-?digits(.digits)?` normalised (no leading zeros, no trailing fractional zeros, no `-0`);
    /// nil when malformed or longer than 100 characters.
    static func normalisedDecimal(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 100 else { return nil }
        var index = 0
        let negative = bytes[0] == UInt8(ascii: "-")
        if negative { index = 1 }
        var integer: [UInt8] = [], fraction: [UInt8] = []
        while index < bytes.count, isDigit(bytes[index]) { integer.append(bytes[index]); index += 1 }
        guard !integer.isEmpty else { return nil }
        if index < bytes.count {
            guard bytes[index] == UInt8(ascii: ".") else { return nil }
            index += 1
            while index < bytes.count, isDigit(bytes[index]) { fraction.append(bytes[index]); index += 1 }
            guard !fraction.isEmpty, index == bytes.count else { return nil }
        }
        while integer.count > 1, integer.first == UInt8(ascii: "0") { integer.removeFirst() }
        while fraction.last == UInt8(ascii: "0") { fraction.removeLast() }
        var result = String(decoding: integer, as: UTF8.self)
        if !fraction.isEmpty { result += "." + String(decoding: fraction, as: UTF8.self) }
        if negative, result != "0" { result = "-" + result }
        return result
    }

    /// A real calendar date `YYYY-MM-DD`, years 0001–9999 (proleptic Gregorian).
    static func isValidDate(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return false }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                guard isDigit(bytes[index]) else { return nil }
                value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              year >= 1, (1...12).contains(month), day >= 1 else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= days[month - 1]
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
