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
    /// Where the database's changes to which limited codes are exhausted stand: every change
    /// that commits after this call is found by ``exhaustionChanges(tenant:since:codes:)`` given it.
    func availabilityWatermark() async throws -> AvailabilityWatermark
    /// Limited codes whose exhaustion may have changed since `watermark` was taken, plus those of
    /// `codes` that exist, each with whether it is exhausted now (may repeat changes an earlier
    /// read saw).
    func exhaustionChanges(tenant: String, since watermark: AvailabilityWatermark, codes: [String]) async throws -> [String: Bool]
    /// Exhausted codes → customers holding live (reserved, unexpired at `now`) uses of them → the
    /// redemption ids.
    func reservationHolders(tenant: String, at now: RuleDateTime) async throws -> [String: [String: Set<String>]]
}

/// A position in the stream of coupon availability changes (see ``CouponRepository``): a change
/// committed after it was taken has a mark ≥ ``next`` or one of ``running``.
public struct AvailabilityWatermark: Sendable, Hashable {
    /// The first mark not yet handed out.
    public var next: Int64
    /// Marks below ``next`` of writers still running (PostgreSQL: transactions in progress).
    public var running: [Int64]

    public init(next: Int64, running: [Int64] = []) {
        self.next = next
        self.running = running
    }
}

public enum CouponError: Error, Sendable, Hashable {
    case alreadyExists(code: String)
}
