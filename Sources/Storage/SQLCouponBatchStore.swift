import Foundation

/// Progress of coupon generation batches.
public struct CouponBatchRecord: Sendable, Hashable {
    public var id: String
    public var request: String
    public var requested: Int
    public var created: Int
    /// `running`, `completed` or `failed`.
    public var status: String
    public var error: String?
    public var createdAt: Date
    public var updatedAt: Date
}

/// Stores batch progress (both backends).
public struct SQLCouponBatchStore: Sendable {
    let database: any SQLDatabase

    public init(database: any SQLDatabase) {
        self.database = database
    }

    public func create(tenant: String, id: String, request: String, requested: Int) async throws {
        try await database.query("""
            INSERT INTO coupon_batches (tenant_id, id, request, requested, created, status, created_at, updated_at)
            VALUES ($1, $2, $3::jsonb, $4, 0, 'running', $5, $5)
            """, [.text(tenant), .text(id), .json(request), .int(requested), .date(Date())])
    }

    /// Records progress; a nil `created` counts the batch's codes (a failure can come after
    /// some inserts committed that the runner had not counted yet).
    public func progress(tenant: String, id: String, created: Int?, status: String, error: String? = nil) async throws {
        try await database.query(
            """
            UPDATE coupon_batches SET created = COALESCE($3, (\(Self.codesOfBatch))), status = $4, error = $5, updated_at = $6
            WHERE tenant_id = $1 AND id = $2
            """,
            [.text(tenant), .text(id), created.map(SQLValue.int) ?? .null, .text(status), error.map(SQLValue.text) ?? .null, .date(Date())])
    }

    /// Marks `running` batches without progress for `staleAfter` as failed, with the codes that
    /// were created: the instance generating them stopped (a deploy, a crash), and nothing
    /// resumes a batch. Live batches record progress after every chunk of codes (seconds).
    @discardableResult
    public func failInterrupted(staleAfter: Duration, now: Date = Date()) async throws -> Int {
        let cutoff = now.addingTimeInterval(-Double(staleAfter.components.seconds))
        return try await database.query(
            """
            UPDATE coupon_batches SET status = 'failed', updated_at = $2,
                error = 'interrupted: the instance generating it stopped; the codes created before that remain',
                created = (SELECT count(*) FROM coupons c WHERE c.tenant_id = coupon_batches.tenant_id AND c.batch_id = coupon_batches.id)
            WHERE status = 'running' AND updated_at < $1 RETURNING id
            """, [.date(cutoff), .date(now)]).count
    }

    static let codesOfBatch = "SELECT count(*) FROM coupons c WHERE c.tenant_id = $1 AND c.batch_id = $2"

    public func get(tenant: String, id: String) async throws -> CouponBatchRecord? {
        try await database.query("""
            SELECT id, request, requested, created, status, error, created_at, updated_at FROM coupon_batches
            WHERE tenant_id = $1 AND id = $2
            """, [.text(tenant), .text(id)]).first.map { row in
            CouponBatchRecord(id: try row.string("id"), request: try row.string("request"), requested: try row.int("requested"),
                              created: try row.int("created"), status: try row.string("status"), error: try row.optionalString("error"),
                              createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
        }
    }
}
