import Rules

/// A coupon code that unlocks a promotion, as held in a ``PromotionSnapshot``.
///
/// Codes are case-insensitive: they are stored and compared in ``normalize(_:)`` form.
/// Pricing never changes a coupon: for a limited coupon it only reads ``isAvailable`` (kept up to
/// date by the coupon ledger); the reservation happens at checkout, outside pricing.
public struct Coupon: Sendable, Hashable {
    /// Whether uses are counted.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Any number of uses; never written to the database.
        case unlimited
        /// A limited number of uses, reserved atomically at checkout.
        case limited
    }

    /// The normalised code (trimmed, upper case).
    public let code: String
    /// The promotion the code unlocks.
    public let promotionID: String
    /// First valid instant (inclusive), if any.
    public let startsAt: RuleDateTime?
    /// End of validity (exclusive), if any.
    public let endsAt: RuleDateTime?
    /// If set, only this customer (``Cart/Customer/id``) may use the code.
    public let customerID: String?
    /// Unlimited or limited.
    public let kind: Kind
    /// For limited coupons: whether uses remain. Always true for unlimited ones.
    public let isAvailable: Bool

    /// Creates a coupon; `code` is normalised.
    public init(code: String, promotionID: String, startsAt: RuleDateTime? = nil, endsAt: RuleDateTime? = nil,
                customerID: String? = nil, kind: Kind = .unlimited, isAvailable: Bool = true) {
        self.code = Coupon.normalize(code)
        self.promotionID = promotionID
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.customerID = customerID
        self.kind = kind
        self.isAvailable = kind == .unlimited ? true : isAvailable
    }

    /// Case-insensitive canonical form: surrounding whitespace removed, upper-cased.
    public static func normalize(_ code: String) -> String {
        // Most codes are already canonical (printable ASCII, no lower case): one byte scan, no copy.
        if code.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && !(0x61...0x7A).contains($0) }) { return code }
        var scalars = Substring(code).unicodeScalars[...]
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(Substring(scalars)).uppercased()
    }
}
