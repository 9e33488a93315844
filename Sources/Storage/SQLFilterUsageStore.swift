import Audiences
import Crypto
import Foundation

/// Filter cache usage statistics in `filter_usage` (one row per cache key, all tenants), so a
/// restarted process pre-warms the filters used most. Saving upserts (keeping the larger use
/// count, as `FilterCache` merges) and drops records unused for `retention`.
public struct SQLFilterUsageStore: FilterUsageStore {
    let database: any SQLDatabase
    /// Records not used for this long are deleted when usage is saved.
    public var retention: Duration

    public init(database: any SQLDatabase, retention: Duration = .seconds(30 * 86_400)) {
        self.database = database
        self.retention = retention
    }

    public func loadUsage() async throws -> [FilterUsage] {
        let rows = try await database.query(
            "SELECT tenant_id, filter_id, fingerprint, parameters, typed_parameters, use_count, last_used_ns, last_duration_ns FROM filter_usage", [])
        // A row that no longer decodes (an older format, a hand edit) is skipped: it must not stop
        // pre-warming every other filter.
        return rows.compactMap { row in try? Self.usage(row) }
    }

    static func usage(_ row: SQLRow) throws -> FilterUsage {
        let parameters = try JSONDecoder().decode([String: ParameterValue].self, from: Data(row.string("typed_parameters").utf8))
        let stored = try row.string("parameters")
        return FilterUsage(
            key: FilterCacheKey(tenant: try row.string("tenant_id"), filterID: try row.string("filter_id"), fingerprint: try row.string("fingerprint"),
                                parameters: stored.hasPrefix(Self.digestPrefix) ? FilterRequest.canonicalParameters(parameters) : stored),
            parameters: parameters, useCount: try row.int("use_count"),
            lastUsed: CacheInstant(nanosecondsSinceEpoch: Int64(try row.int("last_used_ns"))),
            lastDuration: try row.optionalInt("last_duration_ns").map { .nanoseconds($0) })
    }

    public func saveUsage(_ usage: [FilterUsage]) async throws {
        let encoder = SQLFilterRepository.encoder
        // In key order: instances saving the same rows at once then lock them in the same order
        // and wait for each other instead of deadlocking.
        let keyed = usage.map { (record: $0, parameters: Self.storedParameters($0.key.parameters)) }.sorted { a, b in
            (a.record.key.tenant, a.record.key.filterID, a.record.key.fingerprint, a.parameters)
                < (b.record.key.tenant, b.record.key.filterID, b.record.key.fingerprint, b.parameters)
        }
        let rows: [[SQLValue]] = try keyed.map { record, parameters in
            [.text(record.key.tenant), .text(record.key.filterID), .text(record.key.fingerprint), .text(parameters),
             .json(String(decoding: try encoder.encode(record.parameters), as: UTF8.self)), .int(record.useCount),
             .int(Int(record.lastUsed.nanosecondsSinceEpoch)),
             record.lastDuration.map { .int(Int($0.components.seconds) * 1_000_000_000 + Int($0.components.attoseconds / 1_000_000_000)) } ?? .null]
        }
        let cutoff = Int64(Date().timeIntervalSince1970 * 1e9) - Int64(retention.components.seconds) * 1_000_000_000
        let dialect = database.dialect
        try await database.transaction { db in
            // Statistics are best effort: rather than queue behind another instance's save of the
            // same rows (and hold up this server's stop), fail and try again at the next save.
            if dialect == .postgres { try await db.query("SET LOCAL lock_timeout = '5s'", []) }
            // Many rows per statement: fewer round trips while the rows are locked.
            var start = 0
            while start < rows.count {
                let chunk = rows[start..<min(start + Self.rowsPerStatement, rows.count)]
                let values = chunk.indices.map { index in
                    let base = (index - start) * 8
                    return "($\(base + 1), $\(base + 2), $\(base + 3), $\(base + 4), $\(base + 5)::jsonb, $\(base + 6), $\(base + 7), $\(base + 8))"
                }
                try await db.query(
                    """
                    INSERT INTO filter_usage (tenant_id, filter_id, fingerprint, parameters, typed_parameters, use_count, last_used_ns, last_duration_ns)
                    VALUES \(values.joined(separator: ", "))
                    ON CONFLICT (tenant_id, filter_id, fingerprint, parameters) DO UPDATE SET
                        typed_parameters = excluded.typed_parameters,
                        use_count = CASE WHEN excluded.use_count > filter_usage.use_count THEN excluded.use_count ELSE filter_usage.use_count END,
                        last_used_ns = CASE WHEN excluded.last_used_ns > filter_usage.last_used_ns THEN excluded.last_used_ns ELSE filter_usage.last_used_ns END,
                        last_duration_ns = COALESCE(excluded.last_duration_ns, filter_usage.last_duration_ns)
                    """, Array(chunk.joined()))
                start += Self.rowsPerStatement
            }
            try await db.query("DELETE FROM filter_usage WHERE last_used_ns < $1", [.int(Int(cutoff))])
        }
    }

    /// The key's parameters as stored in the primary key: long ones by digest, because PostgreSQL
    /// refuses index rows over 2,704 bytes, and one such row would fail every later save (the
    /// full values stay in `typed_parameters`, from which loading rebuilds the key).
    static func storedParameters(_ canonical: String) -> String {
        guard canonical.utf8.count > maximumStoredParametersBytes else { return canonical }
        return digestPrefix + SHA256.hash(data: Data(canonical.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Short enough that tenant, filter id, fingerprint and parameters stay far under 2,704 bytes.
    static let maximumStoredParametersBytes = 512
    static let digestPrefix = "sha256:"

    /// 8 binds a row: well under SQLite's 32,766 and PostgreSQL's 65,535 binds a statement.
    public static let rowsPerStatement = 500
}
