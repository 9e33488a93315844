/// How an exact quotient is rounded to whole minor units (or whole loyalty points).
///
/// Every amount Marquee computes is non-negative, so "half up" means "half away from zero".
public enum RoundingMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Round to nearest, ties to the even neighbour (banker's rounding). The default.
    case halfEven
    /// Round to nearest, ties away from zero.
    case halfUp
    /// Round towards zero (used for nothing by default; available for tenants that want it).
    case down
}
