import Audiences
import Foundation

/// Filters in the `filters` table: one row per tenant and id, the definition as JSON.
public struct SQLFilterRepository: FilterRepository {
    let database: any SQLDatabase

    public init(database: any SQLDatabase) {
        self.database = database
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    public func list(tenant: String) async throws -> [FilterDefinition] {
        let rows = try await database.query("SELECT document FROM filters WHERE tenant_id = $1 ORDER BY id", [.text(tenant)])
        return try rows.map { try JSONDecoder().decode(FilterDefinition.self, from: Data($0.string("document").utf8)) }
    }

    public func get(tenant: String, id: String) async throws -> FilterDefinition? {
        let rows = try await database.query("SELECT document FROM filters WHERE tenant_id = $1 AND id = $2", [.text(tenant), .text(id)])
        return try rows.first.map { try JSONDecoder().decode(FilterDefinition.self, from: Data($0.string("document").utf8)) }
    }

    @discardableResult
    public func save(tenant: String, filter: FilterDefinition) async throws -> Bool {
        let document = String(decoding: try Self.encoder.encode(filter), as: UTF8.self)
        let now = Date()
        return try await database.transaction { db in
            let updated = try await db.query(
                "UPDATE filters SET document = $3::jsonb, universe = $4, updated_at = $5 WHERE tenant_id = $1 AND id = $2 RETURNING id",
                [.text(tenant), .text(filter.id), .json(document), .bool(filter.universe), .date(now)])
            if !updated.isEmpty { return false }
            try await db.query(
                "INSERT INTO filters (tenant_id, id, universe, document, created_at, updated_at) VALUES ($1, $2, $3, $4::jsonb, $5, $5)",
                [.text(tenant), .text(filter.id), .bool(filter.universe), .json(document), .date(now)])
            return true
        }
    }

    @discardableResult
    public func delete(tenant: String, id: String) async throws -> Bool {
        let rows = try await database.query("DELETE FROM filters WHERE tenant_id = $1 AND id = $2 RETURNING id", [.text(tenant), .text(id)])
        return !rows.isEmpty
    }
}
