import Foundation

extension JSONValue: Codable {
    /// Decodes any JSON value. Through `JSONDecoder` non-integer numbers pass through `Double`
    /// and are exact up to 15 significant digits; use ``init(parsing:maxDepth:)`` for full exactness.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null; return }
        if let value = try? container.decode(Bool.self) { self = .bool(value); return }
        if let value = try? container.decode(Int64.self) { self = .number(JSONNumber(value)); return }
        if let value = try? container.decode(Double.self) {
            guard let number = JSONNumber(exactly: value) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "number out of range")
            }
            self = .number(number)
            return
        }
        if let value = try? container.decode(String.self) { self = .string(value); return }
        if let value = try? container.decode([JSONValue].self) { self = .array(value); return }
        if let value = try? container.decode([String: JSONValue].self) { self = .object(value); return }
        throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a JSON value")
    }

    /// Encodes the value; non-integer numbers are encoded as `Decimal` (exact).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let number):
            if let integer = number.int64Value {
                try container.encode(integer)
            } else if let decimal = Decimal(string: number.description, locale: Locale(identifier: "en_US_POSIX")) {
                try container.encode(decimal)
            } else {
                try container.encode(number.doubleValue)
            }
        case .string(let value): try container.encode(value)
        case .array(let elements): try container.encode(elements)
        case .object(let members): try container.encode(members)
        }
    }
}
