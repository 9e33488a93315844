import Rules

/// A stored coupon code: what it unlocks, when, for whom, and how often.
public struct CouponDefinition: Sendable, Hashable {
    /// Normalised code (see ``Coupon/normalize(_:)``).
    public var code: String
    /// The promotion the code unlocks.
    public var promotionID: String
    public var kind: Coupon.Kind
    /// Limited coupons: total live uses allowed.
    public var maxRedemptions: Int?
    /// Limited coupons: live uses allowed per customer.
    public var perCustomer: Int?
    /// A personal coupon: only this customer may use it.
    public var customerID: String?
    public var startsAt: RuleDateTime?
    public var endsAt: RuleDateTime?
    /// The generation batch that made it, if any.
    public var batchID: String?

    public init(code: String, promotionID: String, kind: Coupon.Kind, maxRedemptions: Int? = nil, perCustomer: Int? = nil,
                customerID: String? = nil, startsAt: RuleDateTime? = nil, endsAt: RuleDateTime? = nil, batchID: String? = nil) {
        self.code = Coupon.normalize(code)
        self.promotionID = promotionID
        self.kind = kind
        self.maxRedemptions = maxRedemptions
        self.perCustomer = perCustomer
        self.customerID = customerID
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.batchID = batchID
    }

    /// What pricing holds in its snapshot; `available` comes from the ledger's counters.
    public func coupon(available: Bool = true) -> Coupon {
        Coupon(code: code, promotionID: promotionID, startsAt: startsAt, endsAt: endsAt,
               customerID: customerID, kind: kind, isAvailable: available)
    }

    /// Whether `instant` is inside the validity window (`endsAt` exclusive).
    public func isValid(at instant: RuleDateTime) -> Bool {
        if let startsAt, instant < startsAt { return false }
        if let endsAt, instant >= endsAt { return false }
        return true
    }

    /// Largest `maxRedemptions` / `perCustomer`: the counters are 32-bit columns on PostgreSQL
    /// (larger values were a 500 there and accepted on SQLite).
    public static let maxCount = Int(Int32.max)

    /// Cross-field problems, with JSON pointers.
    public func validate() -> [RuleIssue] {
        var issues: [RuleIssue] = []
        if code.isEmpty || code.count > 64 || !code.unicodeScalars.allSatisfy({ $0.isASCII && $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }) {
            issues.append(RuleIssue(code: "invalid_code", message: "a code is 1-64 letters, digits, '-' or '_'", path: "/code"))
        }
        switch kind {
        case .limited:
            if (maxRedemptions ?? 0) < 1 {
                issues.append(RuleIssue(code: "required", message: "a limited coupon needs maxRedemptions >= 1", path: "/maxRedemptions"))
            } else if let maxRedemptions, maxRedemptions > Self.maxCount {
                issues.append(RuleIssue(code: "out_of_range", message: "must be at most \(Self.maxCount)", path: "/maxRedemptions"))
            }
            if let perCustomer, perCustomer < 1 || perCustomer > Self.maxCount {
                issues.append(RuleIssue(code: "out_of_range", message: "must be between 1 and \(Self.maxCount)", path: "/perCustomer"))
            }
        case .unlimited:
            if maxRedemptions != nil {
                issues.append(RuleIssue(code: "not_allowed", message: "an unlimited coupon has no maxRedemptions", path: "/maxRedemptions"))
            }
            if perCustomer != nil {
                issues.append(RuleIssue(code: "not_allowed", message: "an unlimited coupon has no perCustomer", path: "/perCustomer"))
            }
        }
        if let customerID, !(1...256).contains(customerID.count) {  // as a redemption's customer: else nobody could redeem it
            issues.append(RuleIssue(code: "invalid_value", message: "customer must be 1-256 characters", path: "/customer"))
        }
        if let startsAt, let endsAt, endsAt <= startsAt {
            issues.append(RuleIssue(code: "ends_before_start", message: "endsAt must be after startsAt", path: "/endsAt"))
        }
        return issues
    }
}
