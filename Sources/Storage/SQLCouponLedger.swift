import Foundation
import Pricing
import Rules

/// The coupon ledger in SQL. PostgreSQL: each operation is one call of a stored function
/// (one round trip; the hot counter row is locked only from its update to commit). SQLite: the
/// same steps in one transaction (SQLite has a single writer).
public struct SQLCouponLedger: CouponLedger {
    let database: any SQLDatabase
    static let columns = "id, code, customer_id, order_id, cart_total, status, expires_at, created_at, updated_at"

    public init(database: any SQLDatabase) {
        self.database = database
    }

    public func reserve(_ request: ReservationRequest) async throws -> ReservationResult {
        let (id, outcome, hash) = try await database.dialect == .postgres ? reservePostgres(request) : reserveSQLite(request)
        guard let redemption = try await redemption(tenant: request.tenant, id: id),
              let parsed = ReservationResult.Outcome(rawValue: outcome) else {
            throw StorageError.invalidConfiguration("redemption \(id) vanished or has outcome \(outcome)")
        }
        return ReservationResult(outcome: parsed, redemption: redemption, replayed: id != request.id, requestHash: hash)
    }

    public func replay(tenant: String, idempotencyKey: String) async throws -> ReservationResult? {
        guard let row = try await database.query(
            "SELECT id, outcome, request_hash FROM redemptions WHERE tenant_id = $1 AND idempotency_key = $2 AND outcome <> 'pending'",
            [.text(tenant), .text(idempotencyKey)]).first,
            let outcome = ReservationResult.Outcome(rawValue: try row.string("outcome")),
            let redemption = try await redemption(tenant: tenant, id: try row.string("id")) else { return nil }
        return ReservationResult(outcome: outcome, redemption: redemption, replayed: true, requestHash: try row.string("request_hash"))
    }

    func reservePostgres(_ request: ReservationRequest) async throws -> (String, String, String) {
        let rows = try await database.query(
            "SELECT redemption_id, outcome, request_hash FROM marquee_reserve($1, $2, $3, $4, $5, $6, $7, $8, $9::integer, $10, $11)",
            Self.binds(request))
        guard let row = rows.first else { throw StorageError.notFound }
        return (try row.string("redemption_id"), try row.string("outcome"), try row.string("request_hash"))
    }

    /// The steps of `marquee_reserve` (see migration 4), in one SQLite transaction.
    func reserveSQLite(_ request: ReservationRequest) async throws -> (String, String, String) {
        try await database.transaction { executor in
            let claimed = try await executor.query("""
                INSERT INTO redemptions (tenant_id, id, idempotency_key, request_hash, code, customer_id, order_id,
                                         cart_total, per_customer, outcome, status, expires_at, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', 'pending', $10, $11, $11)
                ON CONFLICT (tenant_id, idempotency_key) DO NOTHING RETURNING id
                """, Self.binds(request))
            guard !claimed.isEmpty else {
                let existing = try await executor.query(
                    "SELECT id, outcome, request_hash FROM redemptions WHERE tenant_id = $1 AND idempotency_key = $2",
                    [.text(request.tenant), .text(request.idempotencyKey)])
                guard let row = existing.first else { throw StorageError.notFound }
                return (try row.string("id"), try row.string("outcome"), try row.string("request_hash"))
            }
            let (tenant, code, customer) = (SQLValue.text(request.tenant), SQLValue.text(request.coupon.code), SQLValue.text(request.customer))
            func finish(_ outcome: String, status: String) async throws -> (String, String, String) {
                try await executor.query("UPDATE redemptions SET outcome = $3, status = $4 WHERE tenant_id = $1 AND id = $2",
                                         [tenant, .text(request.id), .text(outcome), .text(status)])
                return (request.id, outcome, request.requestHash)
            }
            if let perCustomer = request.coupon.perCustomer {
                let took = try await executor.query("""
                    INSERT INTO coupon_customer_usage AS u (tenant_id, code, customer_id, redeemed) VALUES ($1, $2, $3, 1)
                    ON CONFLICT (tenant_id, code, customer_id) DO UPDATE SET redeemed = u.redeemed + 1 WHERE u.redeemed < $4
                    RETURNING redeemed
                    """, [tenant, code, customer, .int(perCustomer)])
                if took.isEmpty { return try await finish("customer_limit", status: "rejected") }
            }
            let counted = try await executor.query("""
                UPDATE coupon_usage SET redeemed = redeemed + 1
                WHERE tenant_id = $1 AND code = $2 AND redeemed < max_redemptions RETURNING redeemed
                """, [tenant, code])
            if counted.isEmpty {
                if request.coupon.perCustomer != nil {
                    try await executor.query(
                        "UPDATE coupon_customer_usage SET redeemed = redeemed - 1 WHERE tenant_id = $1 AND code = $2 AND customer_id = $3",
                        [tenant, code, customer])
                }
                return try await finish("exhausted", status: "rejected")
            }
            return try await finish("reserved", status: "reserved")
        }
    }

    static func binds(_ request: ReservationRequest) -> [SQLValue] {
        [.text(request.tenant), .text(request.id), .text(request.idempotencyKey), .text(request.requestHash),
         .text(request.coupon.code), .text(request.customer), request.order.map(SQLValue.text) ?? .null,
         request.cartTotal.map(SQLValue.text) ?? .null, request.coupon.perCustomer.map(SQLValue.int) ?? .null,
         .date(request.expiresAt.date), .date(request.now.date)]
    }

    public func confirm(tenant: String, id: String, now: RuleDateTime) async throws -> Redemption? {
        try await database.query("""
            UPDATE redemptions SET status = 'confirmed', updated_at = $3
            WHERE tenant_id = $1 AND id = $2 AND status = 'reserved' AND expires_at > $3
            RETURNING \(Self.columns)
            """, [.text(tenant), .text(id), .date(now.date)]).first.map(Self.redemption)
    }

    public func cancel(tenant: String, id: String, now: RuleDateTime) async throws -> Redemption? {
        guard try await release(tenant: tenant, id: id, from: ["reserved", "confirmed"], to: "cancelled", now: now) else { return nil }
        return try await redemption(tenant: tenant, id: id)
    }

    /// Selects by `expires_at` (set at the attempt, the reservation TTL later), which the
    /// sweep's index `redemptions_expiry (status, expires_at)` already covers.
    public func deleteRejected(before: RuleDateTime, limit: Int) async throws -> Int {
        try await database.query("""
            DELETE FROM redemptions WHERE status = 'rejected' AND (tenant_id, id) IN (
                SELECT tenant_id, id FROM redemptions WHERE status = 'rejected' AND expires_at < $1 ORDER BY expires_at LIMIT $2)
            RETURNING id
            """, [.date(before.date), .int(limit)]).count
    }

    public func releaseExpired(now: RuleDateTime, limit: Int) async throws -> Int {
        let due = try await database.query(
            "SELECT tenant_id, id FROM redemptions WHERE status = 'reserved' AND expires_at <= $1 ORDER BY expires_at LIMIT $2",
            [.date(now.date), .int(limit)])
        var released = 0
        for row in due where try await release(tenant: try row.string("tenant_id"), id: try row.string("id"),
                                              from: ["reserved", "reserved"], to: "expired", now: now) {
            released += 1
        }
        return released
    }

    /// Moves a live redemption to `to` and gives its use back, atomically; false if it was not live.
    func release(tenant: String, id: String, from: [String], to: String, now: RuleDateTime) async throws -> Bool {
        if database.dialect == .postgres {
            return !(try await database.query("SELECT status FROM marquee_release($1, $2, $3, $4, $5, $6)",
                                              [.text(tenant), .text(id), .text(from[0]), .text(from[1]), .text(to), .date(now.date)]).isEmpty)
        }
        return try await database.transaction { executor in
            let rows = try await executor.query("""
                UPDATE redemptions SET status = $5, updated_at = $6 WHERE tenant_id = $1 AND id = $2 AND status IN ($3, $4)
                RETURNING code, customer_id, per_customer
                """, [.text(tenant), .text(id), .text(from[0]), .text(from[1]), .text(to), .date(now.date)])
            guard let row = rows.first else { return false }
            let code = SQLValue.text(try row.string("code"))
            if try row.optionalInt("per_customer") != nil {
                try await executor.query(
                    "UPDATE coupon_customer_usage SET redeemed = redeemed - 1 WHERE tenant_id = $1 AND code = $2 AND customer_id = $3",
                    [.text(tenant), code, .text(try row.string("customer_id"))])
            }
            try await executor.query("UPDATE coupon_usage SET redeemed = redeemed - 1 WHERE tenant_id = $1 AND code = $2", [.text(tenant), code])
            return true
        }
    }

    public func redemption(tenant: String, id: String) async throws -> Redemption? {
        try await database.query("SELECT \(Self.columns) FROM redemptions WHERE tenant_id = $1 AND id = $2", [.text(tenant), .text(id)])
            .first.map(Self.redemption)
    }

    public func liveUses(tenant: String, code: String) async throws -> Int {
        try await database.query("SELECT redeemed FROM coupon_usage WHERE tenant_id = $1 AND code = $2",
                                 [.text(tenant), .text(Coupon.normalize(code))]).first?.int("redeemed") ?? 0
    }

    static func redemption(_ row: SQLRow) throws -> Redemption {
        let status = try row.string("status")
        return Redemption(
            id: try row.string("id"), coupon: try row.string("code"), customer: try row.string("customer_id"),
            order: try row.optionalString("order_id"), cartTotal: try row.optionalString("cart_total"),
            status: Redemption.Status(rawValue: status) ?? .rejected,
            expiresAt: RuleDateTime(try row.date("expires_at")), createdAt: RuleDateTime(try row.date("created_at")),
            updatedAt: RuleDateTime(try row.date("updated_at")))
    }
}
