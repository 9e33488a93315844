/// What an API key may do. Roles are ordered by what they permit:
/// `admin` ⊇ `pricing` ⊇ `read`.
public enum Role: String, Sendable, Codable, CaseIterable {
    /// Manage promotions, coupons, filters, audiences and keys; everything `pricing` may do.
    case admin
    /// Price carts, reserve and confirm redemptions, evaluate rules; everything `read` may do.
    case pricing
    /// Read-only access.
    case read

    /// Whether a key with this role may call a route that needs `permission`.
    public func allows(_ permission: Permission) -> Bool {
        switch self {
        case .admin: true
        case .pricing: permission != .manage
        case .read: permission == .read
        }
    }
}

/// What a route needs.
public enum Permission: String, Sendable {
    case read
    /// Pricing, redemptions, rule evaluation.
    case price
    /// Writes to the tenant's configuration.
    case manage
}
