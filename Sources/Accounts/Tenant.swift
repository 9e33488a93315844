import Foundation

/// A customer of Marquee. Every stored row belongs to exactly one tenant.
public struct Tenant: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var createdAt: Date
    /// How pricing rounds fractional minor units for this tenant.
    public var rounding: MoneyRounding

    public init(id: String, name: String, createdAt: Date, rounding: MoneyRounding = .halfEven) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
        self.rounding = rounding
    }

    /// Tenant names are slugs: they appear in URLs, logs and CLI arguments.
    public static let nameRule = "1-64 lower-case letters, digits, '-' or '_', starting with a letter or digit"

    /// Whether `name` follows `nameRule`.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.first, (1...64).contains(name.count) else { return false }
        let allowed = name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == "_") }
        return allowed && (first.isLetter || first.isNumber)
    }
}

/// A tenant's rounding of fractional minor units (half-even, the banker's rounding, by default).
public enum MoneyRounding: String, Sendable, Hashable, Codable, CaseIterable {
    case halfEven, halfUp
}
