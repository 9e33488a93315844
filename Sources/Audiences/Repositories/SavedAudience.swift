import Foundation

/// An audience saved by a marketer: a name and a definition, evaluated on demand.
public struct SavedAudience: Hashable, Sendable, Codable {
    /// A slug, unique per tenant (`[a-z0-9][a-z0-9_-]*`, at most 63 characters).
    public var id: String
    /// Display name.
    public var name: String
    /// Free text.
    public var description: String
    /// The tree of filters.
    public var definition: AudienceDefinition
    /// Increases by one on every update (optimistic concurrency).
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date

    /// A saved audience; see the property docs.
    public init(id: String, name: String, description: String = "", definition: AudienceDefinition, version: Int = 1,
                createdAt: Date = Date(), updatedAt: Date = Date())
    {
        self.id = id
        self.name = name
        self.description = description
        self.definition = definition
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
