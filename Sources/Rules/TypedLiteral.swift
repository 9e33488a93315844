/// Marquee's typed literals: `{"value": "2999.99", "type": "DECIMAL"}` and
/// `{"values": ["134174510", "133211893"], "type": "STRING"}`.
enum TypedLiteral {
    /// The literal types.
    enum Kind: String, Sendable {
        case string = "STRING", boolean = "BOOLEAN", integer = "INTEGER", decimal = "DECIMAL", dateTime = "DATETIME"
    }

    /// An object is a typed literal when its keys are exactly `value`+`type` or `values`+`type`.
    static func isTyped(_ members: [String: JSONValue]) -> Bool {
        members.count == 2 && members["type"] != nil && (members["value"] != nil || members["values"] != nil)
    }

    /// Converts a JSON value to the type; nil when it is not a valid value of that type.
    static func convert(_ json: JSONValue, to kind: Kind) -> RuleLiteral? {
        switch (kind, json) {
        case (.string, .string): return .value(json)
        case (.string, .number(let number)):
            // Ids sent as numbers (`134174510`): only integers that fit 64 bits, whose text is
            // exact; `1.50` or a 23-digit number would silently become other text.
            return number.int64Value.map { .value(.string(String($0))) }
        case (.boolean, .bool): return .value(json)
        case (.boolean, .string("true")): return .value(.bool(true))
        case (.boolean, .string("false")): return .value(.bool(false))
        case (.integer, .number(let number)) where number.isInteger: return .value(json)
        case (.integer, .string(let text)):
            guard let number = JSONNumber(text.trimmingASCIIWhitespace), number.isInteger else { return nil }
            return .value(.number(number))
        case (.decimal, .number): return .value(json)
        case (.decimal, .string(let text)):
            return JSONNumber(text.trimmingASCIIWhitespace).map { .value(.number($0)) }
        case (.dateTime, .string(let text)):
            return RuleDateTime(rfc3339: text).map(RuleLiteral.dateTime)
        default:
            return nil
        }
    }
}

extension String {
    var trimmingASCIIWhitespace: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " { scalars.removeFirst() }
        while let last = scalars.last, last == " " { scalars.removeLast() }
        return String(scalars)
    }
}
