import Rules

/// Where coupon definitions are stored (implemented by Storage).
public protocol CouponRepository: Sendable {
    /// Every coupon of the tenant, in no particular order.
    func list(tenant: String) async throws -> [CouponDefinition]
    /// A page of coupons ordered by code, starting after `after`.
    func page(tenant: String, after: String?, batch: String?, limit: Int) async throws -> [CouponDefinition]
    func get(tenant: String, code: String) async throws -> CouponDefinition?
    /// The coupons of these (normalised) codes that exist, in no particular order.
    func get(tenant: String, codes: [String]) async throws -> [CouponDefinition]
    /// Stores a coupon; throws ``CouponError/alreadyExists(code:)`` when the code is taken.
    func create(tenant: String, coupon: CouponDefinition) async throws
    /// Stores as many of `coupons` as are new, in one statement; returns how many were new.
    func createMany(tenant: String, coupons: [CouponDefinition]) async throws -> Int
    /// Deletes a coupon; false when there was none. Its live redemptions stay valid.
    func delete(tenant: String, code: String) async throws -> Bool
    /// Codes of limited coupons with no use left (for pricing's availability).
    func exhaustedCodes(tenant: String) async throws -> Set<String>
    /// A mark such that every change to which limited codes are exhausted that commits after this
    /// call is found by ``exhaustionChanges(tenant:since:)`` given it.
    func availabilityWatermark() async throws -> Int64
    /// Limited codes whose exhaustion may have changed since `watermark` was taken, plus those of
    /// `codes` that exist, each with whether it is exhausted now (may repeat changes an earlier
    /// read saw).
    func exhaustionChanges(tenant: String, since watermark: Int64, codes: [String]) async throws -> [String: Bool]
    /// Exhausted codes → customers holding live (reserved, unexpired at `now`) uses of them → the
    /// redemption ids.
    func reservationHolders(tenant: String, at now: RuleDateTime) async throws -> [String: [String: Set<String>]]
}

public enum CouponError: Error, Sendable, Hashable {
    case alreadyExists(code: String)
}
