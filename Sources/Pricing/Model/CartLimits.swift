/// Size limits for a cart (Black Friday carts of 500+ lines must work).
public struct CartLimits: Sendable, Hashable {
    /// Maximum number of lines.
    public var maxLines: Int
    /// Maximum quantity of one line.
    public var maxQuantity: Int
    /// Maximum number of coupon codes.
    public var maxCoupons: Int

    /// Creates limits.
    public init(maxLines: Int, maxQuantity: Int, maxCoupons: Int) {
        self.maxLines = maxLines
        self.maxQuantity = maxQuantity
        self.maxCoupons = maxCoupons
    }

    /// 5 000 lines, quantity 1 000 000 per line, 20 coupons.
    public static let `default` = CartLimits(maxLines: 5_000, maxQuantity: 1_000_000, maxCoupons: 20)
}
