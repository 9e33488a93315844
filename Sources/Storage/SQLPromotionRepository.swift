import Foundation
import Logging
import Pricing
import Rules

/// Promotions in SQL (both backends), with optimistic concurrency on `version`.
public struct SQLPromotionRepository: PromotionRepository {
    let database: any SQLDatabase
    let logger: Logger
    /// Shared by copies of this repository: unchanged documents are not parsed again.
    let parsed = ParsedPromotions()

    public init(database: any SQLDatabase, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    public func list(tenant: String) async throws -> [Promotion] {
        let rows = try await database.query(
            "SELECT id, version, document FROM promotions WHERE tenant_id = $1 ORDER BY id", [.text(tenant)])
        let last = parsed.last(tenant: tenant)
        var current: [String: ParsedPromotions.Parsed] = [:]
        current.reserveCapacity(rows.count)
        let promotions = rows.compactMap { row -> Promotion? in
            do {
                let id = try row.string("id")
                let text = try row.string("document")
                let version = try row.int("version")
                guard text.utf8.count >= ParsedPromotions.minimumBytes else { return try Self.promotion(document: text, version: version) }
                let digest = ParsedPromotions.digest(text)
                if let known = last[id], known.digest == digest, known.promotion.version == version {
                    parsed.reused.add(1, ordering: .relaxed)
                    current[id] = known
                    return known.promotion
                }
                let promotion = try Self.promotion(document: text, version: version)
                current[id] = ParsedPromotions.Parsed(digest: digest, promotion: promotion)
                return promotion
            } catch {
                // A row edited straight in the database that no longer validates must not take
                // the tenant's whole catalogue down: skip it, loudly.
                logger.error("skipping invalid stored promotion", metadata: [
                    "tenant": "\(tenant)", "promotion": "\((try? row.string("id")) ?? "?")", "error": "\(error)"])
                return nil
            }
        }
        parsed.remember(tenant: tenant, current)
        return promotions
    }

    public func get(tenant: String, id: String) async throws -> Promotion? {
        try await database.query(
            "SELECT id, version, document FROM promotions WHERE tenant_id = $1 AND id = $2", [.text(tenant), .text(id)])
            .first.map(Self.promotion)
    }

    public func create(tenant: String, promotion: Promotion) async throws -> Promotion {
        var stored = promotion
        stored.version = 1
        let now = Date()
        let rows = try await database.query("""
            INSERT INTO promotions (tenant_id, id, version, enabled, document, created_at, updated_at)
            VALUES ($1, $2, 1, $3, $4::jsonb, $5, $5)
            ON CONFLICT (tenant_id, id) DO NOTHING RETURNING id
            """, [.text(tenant), .text(stored.id), .bool(stored.enabled), .json(stored.document.jsonText), .date(now)])
        guard !rows.isEmpty else { throw PromotionRepositoryError.alreadyExists(id: promotion.id) }
        return stored
    }

    public func update(tenant: String, promotion: Promotion, expectedVersion: Int?) async throws -> Promotion {
        try await database.transaction { executor in
            let current = try await Self.lockedVersion(executor, tenant: tenant, id: promotion.id)
            if let expectedVersion, expectedVersion != current {
                throw PromotionRepositoryError.versionConflict(id: promotion.id, expected: expectedVersion, actual: current)
            }
            var stored = promotion
            stored.version = current + 1
            try await executor.query("""
                UPDATE promotions SET version = $3, enabled = $4, document = $5::jsonb, updated_at = $6
                WHERE tenant_id = $1 AND id = $2
                """, [.text(tenant), .text(stored.id), .int(stored.version), .bool(stored.enabled),
                      .json(stored.document.jsonText), .date(Date())])
            return stored
        }
    }

    public func delete(tenant: String, id: String, expectedVersion: Int?) async throws {
        try await database.transaction { executor in
            let current = try await Self.lockedVersion(executor, tenant: tenant, id: id)
            if let expectedVersion, expectedVersion != current {
                throw PromotionRepositoryError.versionConflict(id: id, expected: expectedVersion, actual: current)
            }
            try await executor.query("DELETE FROM promotions WHERE tenant_id = $1 AND id = $2", [.text(tenant), .text(id)])
        }
    }

    /// The current version, row-locked until the transaction ends (SQLite: the whole database is).
    static func lockedVersion(_ executor: any SQLExecutor, tenant: String, id: String) async throws -> Int {
        let lock = executor.dialect == .postgres ? " FOR UPDATE" : ""
        let rows = try await executor.query(
            "SELECT version FROM promotions WHERE tenant_id = $1 AND id = $2" + lock, [.text(tenant), .text(id)])
        guard let row = rows.first else { throw PromotionRepositoryError.notFound(id: id) }
        return try row.int("version")
    }

    static func promotion(_ row: SQLRow) throws -> Promotion {
        try promotion(document: try row.string("document"), version: try row.int("version"))
    }

    static func promotion(document text: String, version: Int) throws -> Promotion {
        let document = try JSONValue(parsing: Data(text.utf8))
        // Stored documents were checked when saved, by the rules of then: a stricter check added
        // since must not make a tenant's promotions fail to load.
        var promotion = try Promotion(parsing: document, checksTargetFields: false)
        promotion.version = version
        return promotion
    }
}
