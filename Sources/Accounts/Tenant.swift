import Foundation

/// A customer of Marquee. Every stored row belongs to exactly one tenant.
public struct Tenant: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var createdAt: Date

    public init(id: String, name: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
    }

    /// Tenant names are slugs: they appear in URLs, logs and CLI arguments.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.first, (1...64).contains(name.count) else { return false }
        let allowed = name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == "_") }
        return allowed && (first.isLetter || first.isNumber)
    }
}
