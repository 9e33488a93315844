import Rules

/// The response of `POST /v1/carts/price`: a pure function of (cart, snapshot, instant, options).
///
/// Every amount encodes as a decimal string in the cart's currency, never as a float; arrays are
/// in deterministic orders (documented per field), so encoding with `.sortedKeys` is byte-stable.
public struct PriceResult: Sendable, Hashable, Encodable {
    /// The cart's currency.
    public var currency: Currency
    /// Σ line subtotals.
    public var subtotal: Money
    /// Σ line discounts (= Σ applied discounts).
    public var discount: Money
    /// `subtotal − discount`, never negative.
    public var total: Money
    /// Points awarded by `loyaltyPoints` promotions, at most `maxLoyaltyPoints`.
    public var loyaltyPoints: Int64
    /// Largest point count reported, per promotion and in total: 2⁵³ − 1, exact in any JSON
    /// client (a huge zero-decimal cart at the highest rate would otherwise exceed Int64).
    public static let maxLoyaltyPoints: Int64 = 9_007_199_254_740_991
    /// One entry per cart line, in request order.
    public var lines: [Line]
    /// Promotions that changed the cart, in application order.
    public var applied: [Applied]
    /// Candidate promotions that did not apply, in canonical order (priority descending, id);
    /// only when the cart asked for `explain`.
    public var notApplied: [NotApplied]?
    /// One entry per distinct presented code (case-insensitive), in request order.
    public var coupons: [CouponResult]

    /// A priced line.
    public struct Line: Sendable, Hashable, Encodable {
        /// The line id.
        public var id: String
        /// The quantity.
        public var quantity: Int
        /// The unit price before promotions.
        public var unitPrice: Money
        /// `unitPrice × quantity`.
        public var subtotal: Money
        /// Σ adjustments.
        public var discount: Money
        /// `subtotal − discount` (≥ 0).
        public var total: Money
        /// Each promotion's share of the discount, in application order. A slice: the lines of
        /// one result share a single buffer (one allocation per result, not one per line), so
        /// index it from `startIndex`, not 0.
        public var adjustments: ArraySlice<Adjustment>

        enum CodingKeys: String, CodingKey { case id, quantity, unitPrice, subtotal, discount, total, adjustments }

        // Written out because `ArraySlice` is not `Encodable`; same keys and order as synthesised.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(quantity, forKey: .quantity)
            try container.encode(unitPrice, forKey: .unitPrice)
            try container.encode(subtotal, forKey: .subtotal)
            try container.encode(discount, forKey: .discount)
            try container.encode(total, forKey: .total)
            try container.encode(Array(adjustments), forKey: .adjustments)
        }
    }

    /// One promotion's discount on one line.
    public struct Adjustment: Sendable, Hashable, Encodable {
        /// The promotion id.
        public var promotion: String
        /// The amount taken off the line.
        public var amount: Money
    }

    /// A promotion that applied.
    public struct Applied: Sendable, Hashable, Encodable {
        /// The promotion id.
        public var promotion: String
        /// The promotion name.
        public var name: String
        /// Its total discount (zero for `loyaltyPoints`).
        public var discount: Money
        /// The coupon code (normalised) that unlocked it, if any.
        public var coupon: String?
        /// Applications counted against `maxApplications` (see docs/pricing.md).
        public var applications: Int
        /// Points awarded, for `loyaltyPoints` promotions.
        public var loyaltyPoints: Int64?
        /// True when `maxDiscount` reduced the discount.
        public var capped: Bool?
    }

    /// A candidate promotion that did not apply.
    public struct NotApplied: Sendable, Hashable, Encodable {
        /// The promotion id.
        public var promotion: String
        /// Stable reason code.
        public var reason: NotAppliedReason
        /// For `condition_failed`: the first failing leaf of the trigger (path, field, operator,
        /// expected, found).
        public var detail: Explanation.Failure?
    }

    /// The status of one presented coupon.
    public struct CouponResult: Sendable, Hashable, Encodable {
        /// The code as first presented.
        public var code: String
        /// Its status.
        public var status: CouponStatus
    }
}
