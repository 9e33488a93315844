import Rules

/// Counts uses of limited coupons: atomic, idempotent reservations (implemented by Storage).
///
/// Every operation is one conditional update per counter in one transaction — never
/// read-then-write — so concurrent checkouts can neither oversell nor lose a use.
public protocol CouponLedger: Sendable {
    /// Reserves one use, or replays the outcome stored for `request.idempotencyKey`.
    func reserve(_ request: ReservationRequest) async throws -> ReservationResult
    /// The outcome stored for `idempotencyKey` (marked replayed), or nil when the key is new.
    func replay(tenant: String, idempotencyKey: String) async throws -> ReservationResult?
    /// `reserved` → `confirmed` (only before expiry); nil when not reserved or expired.
    func confirm(tenant: String, id: String, now: RuleDateTime) async throws -> Redemption?
    /// `reserved`/`confirmed` → `cancelled`, giving the use back; nil when not live.
    func cancel(tenant: String, id: String, now: RuleDateTime) async throws -> Redemption?
    /// Deletes rejected attempts (exhausted, customer limit) whose reservation would have expired
    /// before `before` (so made a TTL earlier), at most
    /// `limit`; returns how many. Their idempotency keys are then free again.
    func deleteRejected(before: RuleDateTime, limit: Int) async throws -> Int
    /// Releases reservations whose TTL passed (at most `limit`); returns how many.
    func releaseExpired(now: RuleDateTime, limit: Int) async throws -> Int
    func redemption(tenant: String, id: String) async throws -> Redemption?
    /// Live uses (reserved + confirmed) counted on the coupon's counter.
    func liveUses(tenant: String, code: String) async throws -> Int
}

/// One reservation attempt.
public struct ReservationRequest: Sendable, Hashable {
    public var tenant: String
    /// The id a new redemption gets.
    public var id: String
    public var idempotencyKey: String
    /// Hash of the request body: the same key with another body is a client error.
    public var requestHash: String
    public var coupon: CouponDefinition
    public var customer: String
    public var order: String?
    public var cartTotal: String?
    public var expiresAt: RuleDateTime
    public var now: RuleDateTime

    public init(tenant: String, id: String, idempotencyKey: String, requestHash: String, coupon: CouponDefinition,
                customer: String, order: String?, cartTotal: String?, expiresAt: RuleDateTime, now: RuleDateTime) {
        self.tenant = tenant
        self.id = id
        self.idempotencyKey = idempotencyKey
        self.requestHash = requestHash
        self.coupon = coupon
        self.customer = customer
        self.order = order
        self.cartTotal = cartTotal
        self.expiresAt = expiresAt
        self.now = now
    }
}

/// What a reservation attempt was answered; replays carry the first attempt's outcome.
public struct ReservationResult: Sendable, Hashable {
    public enum Outcome: String, Sendable, Hashable {
        case reserved
        /// No use of the coupon left.
        case exhausted
        /// The customer has used up their share (`perCustomer`).
        case customerLimit = "customer_limit"
    }

    public var outcome: Outcome
    public var redemption: Redemption
    /// True when this is a replay of an earlier request with the same key.
    public var replayed: Bool
    /// The stored request hash (compare with the new one for a replay).
    public var requestHash: String

    public init(outcome: Outcome, redemption: Redemption, replayed: Bool, requestHash: String) {
        self.outcome = outcome
        self.redemption = redemption
        self.replayed = replayed
        self.requestHash = requestHash
    }
}

/// A stored redemption.
public struct Redemption: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, Codable {
        case reserved, confirmed, cancelled, expired, rejected
    }

    public var id: String
    public var coupon: String
    public var customer: String
    public var order: String?
    public var cartTotal: String?
    public var status: Status
    public var expiresAt: RuleDateTime
    public var createdAt: RuleDateTime
    public var updatedAt: RuleDateTime

    public init(id: String, coupon: String, customer: String, order: String?, cartTotal: String?, status: Status,
                expiresAt: RuleDateTime, createdAt: RuleDateTime, updatedAt: RuleDateTime) {
        self.id = id
        self.coupon = coupon
        self.customer = customer
        self.order = order
        self.cartTotal = cartTotal
        self.status = status
        self.expiresAt = expiresAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
