/// A JSON value: the documents conditions are evaluated against, and condition literals.
///
/// Numbers are exact decimals (``JSONNumber``): `49.99` parsed from JSON text compares exactly.
/// Object member order is not significant.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

extension JSONValue {
    /// Creates a number from an integer.
    public static func int(_ value: Int) -> JSONValue { .number(JSONNumber(value)) }

    /// Creates a number from decimal text such as `"49.99"`; nil if the text is not a number.
    public static func decimal(_ text: String) -> JSONValue? { JSONNumber(text).map(JSONValue.number) }

    /// The member `key` of an object, or nil.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// A short name of the value's JSON type (`"null"`, `"boolean"`, `"number"`, `"string"`,
    /// `"array"`, `"object"`), used in messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral {
    /// `nil` is JSON `null`.
    public init(nilLiteral: ()) { self = .null }
    /// A JSON boolean.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// A JSON integer.
    public init(integerLiteral value: Int) { self = .number(JSONNumber(value)) }
    /// A JSON number taken at its shortest decimal form (`49.99` is exactly 49.99).
    public init(floatLiteral value: Double) { self = .number(JSONNumber(floatLiteral: value)) }
    /// A JSON string.
    public init(stringLiteral value: String) { self = .string(value) }
    /// A JSON array.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// A JSON object; a repeated key keeps its last value.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
