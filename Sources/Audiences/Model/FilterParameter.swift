/// A named, typed parameter a filter's SQL uses as `:name`.
public struct FilterParameter: Hashable, Sendable, Codable {
    /// The placeholder name, an identifier (`genre` for `:genre`).
    public var name: String
    /// The declared type; values are checked against it and bound with it.
    public var type: ParameterType

    /// A parameter `name` of `type`.
    public init(name: String, type: ParameterType) {
        self.name = name
        self.type = type
    }

    /// Refuses members other than `name` and `type`: a misspelt one (`"defualt"`) was dropped.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: MemberKey.self)
        if let unknown = container.allKeys.first(where: { $0.stringValue != "name" && $0.stringValue != "type" }) {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath + [unknown],
                                                    debugDescription: "unknown field '\(unknown.stringValue)' (a parameter has name, type)"))
        }
        name = try container.decode(String.self, forKey: .name)
        type = try container.decode(ParameterType.self, forKey: .type)
    }
}
