import Foundation
import Pricing
import Rules

/// Coupon definitions in SQL (both backends). A limited coupon also gets its counter row.
public struct SQLCouponRepository: CouponRepository {
    let database: any SQLDatabase
    static let columns = "code, promotion_id, kind, max_redemptions, per_customer, customer_id, starts_at, ends_at, batch_id"
    /// Rows per multi-row INSERT (keeps the bind count under both backends' limits).
    static let chunk = 2_000

    public init(database: any SQLDatabase) {
        self.database = database
    }

    /// Codes that share every other column (a batch) come back as one row, their codes joined by
    /// newlines: a million codes read as a million rows (one dictionary each) took over 10 s and
    /// gigabytes on every coupon change. A code holding a newline (plain SQL can write one) is
    /// read on its own row.
    ///
    /// A code stored in another form than ``Coupon/normalize(_:)``'s (only plain SQL can write
    /// one, e.g. `'summer10'`) is left out: redemptions, `get` and `delete` look codes up exactly,
    /// so pricing such a code would discount what checkout then refuses as exhausted.
    public func list(tenant: String) async throws -> [CouponDefinition] {
        let (joinedCodes, holdsNewline) = codeAggregation
        let others = "promotion_id, kind, max_redemptions, per_customer, customer_id, starts_at, ends_at, batch_id"
        var coupons: [CouponDefinition] = []
        for row in try await database.query("""
            SELECT \(others), \(joinedCodes) AS codes FROM coupons
            WHERE tenant_id = $1 AND NOT (\(holdsNewline)) GROUP BY \(others)
            """, [.text(tenant)]) {
            var coupon = try Self.coupon(row, code: "")
            for code in Self.splitJoined(try row.string("codes")) where Coupon.normalize(code) == code {
                coupon.code = code
                coupons.append(coupon)
            }
        }
        for row in try await database.query("SELECT \(Self.columns) FROM coupons WHERE tenant_id = $1 AND \(holdsNewline)", [.text(tenant)]) {
            let code = try row.string("code")
            if Coupon.normalize(code) == code { coupons.append(try Self.coupon(row)) }
        }
        return coupons
    }

    /// Codes come back as stored, so the last one is the cursor of the next page. A code plain
    /// SQL stored in another form (`'lower '`) shows as such: normalised, it sorted before itself
    /// and the next page began with it again (the batch export never ended).
    public func page(tenant: String, after: String?, batch: String?, limit: Int) async throws -> [CouponDefinition] {
        try await database.query("""
            SELECT \(Self.columns) FROM coupons
            WHERE tenant_id = $1 AND code > $2 AND ($3::text IS NULL OR batch_id = $3::text)
            ORDER BY code LIMIT $4
            """, [.text(tenant), .text(after ?? ""), batch.map(SQLValue.text) ?? .null, .int(limit)]).map { try Self.coupon($0) }
    }

    public func get(tenant: String, code: String) async throws -> CouponDefinition? {
        try await database.query("SELECT \(Self.columns) FROM coupons WHERE tenant_id = $1 AND code = $2",
                                 [.text(tenant), .text(Coupon.normalize(code))]).first.map { try Self.coupon($0) }
    }

    public func get(tenant: String, codes: [String]) async throws -> [CouponDefinition] {
        try await rows("SELECT \(Self.columns) FROM coupons WHERE tenant_id = $1", tenant: tenant, codes: codes).map { try Self.coupon($0) }
    }

    /// `query` (over the tenant, `$1`) narrowed to `codes`, in chunks of ``chunk`` binds.
    func rows(_ query: String, tenant: String, codes: [String]) async throws -> [SQLRow] {
        var rows: [SQLRow] = []
        for start in stride(from: 0, to: codes.count, by: Self.chunk) {
            let chunk = codes[start..<min(start + Self.chunk, codes.count)]
            let binds = (2...chunk.count + 1).map { "$\($0)" }.joined(separator: ", ")
            rows += try await database.query("\(query) AND code IN (\(binds))", [.text(tenant)] + chunk.map(SQLValue.text))
        }
        return rows
    }

    public func create(tenant: String, coupon: CouponDefinition) async throws {
        guard try await createMany(tenant: tenant, coupons: [coupon]) == 1 else {
            throw CouponError.alreadyExists(code: coupon.code)
        }
    }

    public func createMany(tenant: String, coupons: [CouponDefinition]) async throws -> Int {
        var created = 0
        var start = 0
        while start < coupons.count {
            let slice = Array(coupons[start..<min(start + Self.chunk, coupons.count)])
            created += try await insert(tenant: tenant, coupons: slice)
            start += Self.chunk
        }
        return created
    }

    /// One chunk in one transaction: definitions, then counters for the limited ones that were new.
    func insert(tenant: String, coupons: [CouponDefinition]) async throws -> Int {
        try await database.transaction { executor in
            var binds: [SQLValue] = [.text(tenant), .date(Date())]
            var rows: [String] = []
            for coupon in coupons {
                let base = binds.count
                rows.append("($1, " + (1...9).map { "$\(base + $0)" }.joined(separator: ", ") + ", $2)")
                binds += [.text(coupon.code), .text(coupon.promotionID), .text(coupon.kind.rawValue),
                          coupon.maxRedemptions.map(SQLValue.int) ?? .null, coupon.perCustomer.map(SQLValue.int) ?? .null,
                          coupon.customerID.map(SQLValue.text) ?? .null, coupon.startsAt.map { .date($0.date) } ?? .null,
                          coupon.endsAt.map { .date($0.date) } ?? .null, coupon.batchID.map(SQLValue.text) ?? .null]
            }
            let inserted = try await executor.query("""
                INSERT INTO coupons (tenant_id, \(Self.columns), created_at) VALUES \(rows.joined(separator: ", "))
                ON CONFLICT (tenant_id, code) DO NOTHING RETURNING code
                """, binds)
            let new = Set(try inserted.map { try $0.string("code") })
            let limited = coupons.filter { $0.kind == .limited && new.contains($0.code) }
            if !limited.isEmpty {
                var usageBinds: [SQLValue] = [.text(tenant)]
                var usageRows: [String] = []
                for coupon in limited {
                    usageRows.append("($1, $\(usageBinds.count + 1), 0, $\(usageBinds.count + 2))")
                    usageBinds += [.text(coupon.code), .int(coupon.maxRedemptions ?? 0)]
                }
                // A code deleted and created again keeps its live uses (ON CONFLICT: only the limit changes).
                try await executor.query("""
                    INSERT INTO coupon_usage (tenant_id, code, redeemed, max_redemptions) VALUES \(usageRows.joined(separator: ", "))
                    ON CONFLICT (tenant_id, code) DO UPDATE SET max_redemptions = excluded.max_redemptions
                    """, usageBinds)
            }
            return new.count
        }
    }

    public func delete(tenant: String, code: String) async throws -> Bool {
        !(try await database.query("DELETE FROM coupons WHERE tenant_id = $1 AND code = $2 RETURNING code",
                                   [.text(tenant), .text(Coupon.normalize(code))]).isEmpty)
    }

    /// Polled every 2 s per tenant with limited coupons, and it grows with redemptions: the codes
    /// come back joined in one value like `list`'s, not as a row each, as stored (a code `list`
    /// leaves out matches nothing).
    public func exhaustedCodes(tenant: String) async throws -> Set<String> {
        let (joinedCodes, holdsNewline) = codeAggregation
        let exhausted = "tenant_id = $1 AND redeemed >= max_redemptions"
        var codes = Set<String>()
        if let joined = try await database.query(
            "SELECT \(joinedCodes) AS codes FROM coupon_usage WHERE \(exhausted) AND NOT (\(holdsNewline))", [.text(tenant)]
        ).first?["codes"], case .text(let text) = joined {
            codes.formUnion(Self.splitJoined(text))
        }
        codes.formUnion(try await database.query("SELECT code FROM coupon_usage WHERE \(exhausted) AND \(holdsNewline)", [.text(tenant)])
            .map { try $0.string("code") })
        return codes
    }

    /// PostgreSQL: the current snapshot's next transaction id and the ids still running (marks
    /// are transaction ids, taken in start order but committed in any). Not the oldest running
    /// id alone: one idle transaction anywhere on the server would hold every read back to it.
    /// SQLite: the counter's next value (one writer at a time, so every lower mark is committed).
    public func availabilityWatermark() async throws -> AvailabilityWatermark {
        let sql = database.dialect == .postgres
            ? """
              SELECT txid_snapshot_xmax(s) AS next, COALESCE((SELECT string_agg(x::text, ',') FROM txid_snapshot_xip(s) x), '') AS running
              FROM txid_current_snapshot() s
              """
            : "SELECT value + 1 AS next, '' AS running FROM coupon_usage_clock"
        guard let row = try await database.query(sql, []).first else { return AvailabilityWatermark(next: 0) }
        let running = try row.string("running").split(separator: ",").compactMap { Int64($0) }
        return AvailabilityWatermark(next: Int64(try row.int("next")), running: running)
    }

    /// Codes as stored, like ``exhaustedCodes(tenant:)``'s.
    public func exhaustionChanges(tenant: String, since watermark: AvailabilityWatermark, codes: [String]) async throws -> [String: Bool] {
        let state = "code, CASE WHEN redeemed >= max_redemptions THEN 1 ELSE 0 END AS exhausted FROM coupon_usage WHERE tenant_id = $1"
        let changed = watermark.running.isEmpty
            ? try await database.query("SELECT \(state) AND changed >= $2", [.text(tenant), .int(Int(watermark.next))])
            : try await database.query("SELECT \(state) AND (changed >= $2 OR changed = ANY(string_to_array($3, ',')::bigint[]))",
                                       [.text(tenant), .int(Int(watermark.next)), .text(watermark.running.map(String.init).joined(separator: ","))])
        let asked = try await rows("SELECT \(state)", tenant: tenant, codes: codes)
        var changes: [String: Bool] = [:]
        for row in changed + asked { changes[try row.string("code")] = try row.int("exhausted") == 1 }
        return changes
    }

    /// Live reservations of used-up codes only: a few per checkout in flight, not every code.
    public func reservationHolders(tenant: String, at now: RuleDateTime) async throws -> [String: [String: Set<String>]] {
        var holders: [String: [String: Set<String>]] = [:]
        for row in try await database.query("""
            SELECT r.code, r.customer_id, r.id FROM redemptions r
            JOIN coupon_usage u ON u.tenant_id = r.tenant_id AND u.code = r.code
            WHERE r.tenant_id = $1 AND r.status = 'reserved' AND r.expires_at > $2 AND u.redeemed >= u.max_redemptions
            """, [.text(tenant), .date(now.date)]) {
            holders[try row.string("code"), default: [:]][try row.string("customer_id"), default: []].insert(try row.string("id"))
        }
        return holders
    }

    /// SQL that joins `code` values with newlines, and the condition of a code holding one
    /// (those are read as rows of their own).
    var codeAggregation: (join: String, holdsNewline: String) {
        database.dialect == .postgres
            ? ("string_agg(code, chr(10))", "strpos(code, chr(10)) > 0")
            : ("group_concat(code, char(10))", "instr(code, char(10)) > 0")
    }

    /// Splits `codeAggregation`'s value on its newline bytes. Not `String.split(separator: "\n")`:
    /// "\r\n" is one Character, so a code ending in "\r" swallowed the next code of its group.
    static func splitJoined(_ text: String) -> [String] {
        text.utf8.split(separator: 10, omittingEmptySubsequences: false).map { String(Substring($0)) }
    }

    /// The coupon of a row, its code as stored (not normalised: `page` pages by it, and `list`
    /// leaves out codes that are not canonical).
    /// - Parameter code: the code, when the row has no `code` column.
    static func coupon(_ row: SQLRow, code: String? = nil) throws -> CouponDefinition {
        guard let kind = Coupon.Kind(rawValue: try row.string("kind")) else {
            throw SQLRowError.unexpectedType(column: "kind", found: row["kind"])
        }
        let stored = try code ?? row.string("code")
        var coupon = CouponDefinition(
            code: stored, promotionID: try row.string("promotion_id"), kind: kind,
            maxRedemptions: try row.optionalInt("max_redemptions"), perCustomer: try row.optionalInt("per_customer"),
            customerID: try row.optionalString("customer_id"), startsAt: try row.optionalDate("starts_at").map(RuleDateTime.init),
            endsAt: try row.optionalDate("ends_at").map(RuleDateTime.init), batchID: try row.optionalString("batch_id"))
        coupon.code = stored
        return coupon
    }
}
