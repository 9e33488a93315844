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
}
