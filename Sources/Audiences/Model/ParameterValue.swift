/// A typed, validated filter parameter value, bound to the filter's SQL as a query parameter.
///
/// Decimals are exact and kept as their normalised decimal text (`"49.9"`, no exponent, no
/// trailing fractional zeros); dates are `YYYY-MM-DD` text. Storage binds each case with the
/// matching SQL type (`text`, `bigint`, `numeric`, `date`, `boolean`, `text[]`, `bigint[]`).
///
/// Encodes as `{"type": "date", "value": "2024-01-31"}` so usage statistics can be persisted and
/// read back with their types.
public enum ParameterValue: Hashable, Sendable {
    case string(String)
    case integer(Int64)
    /// Normalised decimal text, e.g. `"-12.5"`.
    case decimal(String)
    /// `YYYY-MM-DD`.
    case date(String)
    case boolean(Bool)
    case stringArray([String])
    case integerArray([Int64])

    /// The parameter type this value has.
    public var type: ParameterType {
        switch self {
        case .string: .string
        case .integer: .integer
        case .decimal: .decimal
        case .date: .date
        case .boolean: .boolean
        case .stringArray: .stringArray
        case .integerArray: .integerArray
        }
    }

    /// The value as canonical JSON text (strings escaped, decimals and dates as strings), used in
    /// cache keys and canonical audience forms.
    public var canonicalJSON: String {
        switch self {
        case .string(let value), .decimal(let value), .date(let value): CanonicalJSON.string(value)
        case .integer(let value): String(value)
        case .boolean(let value): value ? "true" : "false"
        case .stringArray(let values): "[" + values.map(CanonicalJSON.string).joined(separator: ",") + "]"
        case .integerArray(let values): "[" + values.map { String($0) }.joined(separator: ",") + "]"
        }
    }
}

extension ParameterValue: Codable {
    private enum CodingKeys: String, CodingKey { case type, value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(ParameterType.self, forKey: .type)
        let input = try container.decode(ParameterInput.self, forKey: .value)
        switch ParameterValue.parse(input, as: type, path: "/value") {
        case .success(let value): self = value
        case .failure(let issue):
            throw DecodingError.dataCorruptedError(forKey: .value, in: container, debugDescription: issue.message)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        switch self {
        case .string(let value), .decimal(let value), .date(let value): try container.encode(value, forKey: .value)
        case .integer(let value): try container.encode(value, forKey: .value)
        case .boolean(let value): try container.encode(value, forKey: .value)
        case .stringArray(let values): try container.encode(values, forKey: .value)
        case .integerArray(let values): try container.encode(values, forKey: .value)
        }
    }
}
