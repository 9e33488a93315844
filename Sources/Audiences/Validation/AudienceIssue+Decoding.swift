extension AudienceIssue {
    /// Translates a `DecodingError` (e.g. from `JSONDecoder` decoding an `AudienceDefinition`
    /// or a `FilterDefinition`) into an issue whose path is the pointer of the offending value,
    /// prefixed by `basePath` (e.g. `/definition`).
    public init(_ error: DecodingError, basePath: String = "") {
        func pointer(_ codingPath: [any CodingKey]) -> String {
            codingPath.reduce(basePath) { path, key in
                if let index = key.intValue { return JSONPointer.append(path, index) }
                return JSONPointer.append(path, key.stringValue)
            }
        }
        switch error {
        case .typeMismatch(let type, let context):
            self.init(code: "invalid_type", message: Self.message(context, fallback: "expected \(Self.jsonName(type))"),
                      path: pointer(context.codingPath))
        case .valueNotFound(let type, let context):
            self.init(code: "invalid_type", message: Self.message(context, fallback: "expected \(Self.jsonName(type)), found null"),
                      path: pointer(context.codingPath))
        case .keyNotFound(let key, let context):
            // The pointer names the missing member, as for every other body (was its parent).
            self.init(code: "missing_field", message: "missing field '\(key.stringValue)'",
                      path: pointer(context.codingPath + [key]))
        case .dataCorrupted(let context):
            self.init(code: "invalid_value", message: Self.message(context, fallback: "invalid value"),
                      path: pointer(context.codingPath))
        @unknown default:
            self.init(code: "invalid_value", message: "invalid document", path: basePath)
        }
    }

    private static func message(_ context: DecodingError.Context, fallback: String) -> String {
        // Foundation's own descriptions mention Swift types; ours (from AudienceDefinition and
        // friends) are written for API users and are kept.
        let text = context.debugDescription
        if text.isEmpty || text.contains("Swift.") || text.hasPrefix("Expected to decode") { return fallback }
        return text
    }

    private static func jsonName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        case is [Any].Type: "an array"
        default: "a value of another type"
        }
    }
}
