import Foundation

/// A stored API key. The secret itself is never stored, only its SHA-256 hash.
public struct APIKey: Sendable, Hashable, Codable {
    public var id: String
    public var tenantID: String
    public var role: Role
    /// The first characters of the secret, so people can tell their keys apart.
    public var prefix: String
    public var createdAt: Date
    public var revokedAt: Date?

    public init(id: String, tenantID: String, role: Role, prefix: String, createdAt: Date, revokedAt: Date? = nil) {
        self.id = id
        self.tenantID = tenantID
        self.role = role
        self.prefix = prefix
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

/// A key together with its secret, as handed out once at creation.
public struct IssuedKey: Sendable {
    public var key: APIKey
    public var secret: String

    public init(key: APIKey, secret: String) {
        self.key = key
        self.secret = secret
    }
}
