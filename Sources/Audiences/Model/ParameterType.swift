/// The declared type of a filter parameter. Values are always bound, never spliced into SQL.
///
/// JSON names: `string`, `integer`, `decimal`, `date`, `boolean` (alias `bool`), `string[]`,
/// `integer[]`.
public enum ParameterType: String, Hashable, Sendable, CaseIterable, Codable {
    /// UTF-8 text.
    case string
    /// A signed 64-bit integer.
    case integer
    /// An exact decimal, written as a JSON string (`"49.99"`) or a JSON integer.
    case decimal
    /// A calendar date `YYYY-MM-DD`.
    case date
    /// `true` or `false`.
    case boolean
    /// A list of strings (bound as one array parameter).
    case stringArray = "string[]"
    /// A list of integers (bound as one array parameter).
    case integerArray = "integer[]"

    /// Parses a JSON type name, accepting `bool` for `boolean`.
    public init?(name: String) {
        if name == "bool" { self = .boolean; return }
        self.init(rawValue: name)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard let type = ParameterType(name: name) else {
            let known = ParameterType.allCases.map(\.rawValue).joined(separator: ", ")
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "unknown parameter type '\(name)' (expected one of: \(known))")
        }
        self = type
    }
}
