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

    /// Records progress; a nil `created` keeps the count (a failure after some chunks).
    public func progress(tenant: String, id: String, created: Int?, status: String, error: String? = nil) async throws {
        try await database.query(
            "UPDATE coupon_batches SET created = COALESCE($3, created), status = $4, error = $5, updated_at = $6 WHERE tenant_id = $1 AND id = $2",
            [.text(tenant), .text(id), created.map(SQLValue.int) ?? .null, .text(status), error.map(SQLValue.text) ?? .null, .date(Date())])
    }

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
