import Audiences
import Foundation
import Roaring

/// Saved audiences (`audiences`) and their snapshots (`audience_snapshots`, members in the
/// portable Roaring format).
public struct SQLAudienceRepository: AudienceRepository {
    let database: any SQLDatabase

    public init(database: any SQLDatabase) {
        self.database = database
    }

    static func json(_ definition: AudienceDefinition) throws -> String {
        String(decoding: try SQLFilterRepository.encoder.encode(definition), as: UTF8.self)
    }

    static func definition(_ row: SQLRow) throws -> AudienceDefinition {
        try JSONDecoder().decode(AudienceDefinition.self, from: Data(row.string("definition").utf8))
    }

    static func audience(_ row: SQLRow) throws -> SavedAudience {
        SavedAudience(id: try row.string("id"), name: try row.string("name"), description: try row.string("description"),
                      definition: try definition(row), version: try row.int("version"),
                      createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }

    static let columns = "id, version, name, description, definition, created_at, updated_at"

    public func list(tenant: String) async throws -> [SavedAudience] {
        try await Self.list(tenant: tenant, in: database)
    }

    static func list(tenant: String, in db: any SQLExecutor) async throws -> [SavedAudience] {
        try await db.query("SELECT \(columns) FROM audiences WHERE tenant_id = $1 ORDER BY id", [.text(tenant)]).map(audience)
    }

    public func get(tenant: String, id: String) async throws -> SavedAudience? {
        try await database.query("SELECT \(Self.columns) FROM audiences WHERE tenant_id = $1 AND id = $2", [.text(tenant), .text(id)])
            .first.map(Self.audience)
    }

    public func create(tenant: String, audience: SavedAudience, check: CatalogCheck?) async throws -> SavedAudience {
        var stored = audience
        stored.version = 1
        stored.createdAt = Self.millis(Date())
        stored.updatedAt = stored.createdAt
        let definition = try Self.json(audience.definition)
        let snapshot = stored
        return try await database.transaction { db in
            try await CatalogLock.take(tenant: tenant, in: db)
            try await CatalogLock.check(check, tenant: tenant, in: db)
            // ON CONFLICT: a concurrent create of the same id is "exists", not a duplicate-key error.
            let inserted = try await db.query(
                "INSERT INTO audiences (tenant_id, \(Self.columns)) VALUES ($1, $2, 1, $3, $4, $5::jsonb, $6, $6) ON CONFLICT (tenant_id, id) DO NOTHING RETURNING id",
                [.text(tenant), .text(snapshot.id), .text(snapshot.name), .text(snapshot.description), .json(definition), .date(snapshot.createdAt)])
            guard !inserted.isEmpty else { throw AudienceRepositoryError.alreadyExists(snapshot.id) }
            return snapshot
        }
    }

    public func update(tenant: String, audience: SavedAudience, expectedVersion: Int?, check: CatalogCheck?) async throws -> SavedAudience {
        let definition = try Self.json(audience.definition)
        let now = Self.millis(Date())
        return try await database.transaction { db in
            try await CatalogLock.take(tenant: tenant, in: db)
            let lock = db.dialect == .postgres ? " FOR UPDATE" : ""  // two saves of one version cannot both pass
            guard let current = try await db.query(
                "SELECT \(Self.columns) FROM audiences WHERE tenant_id = $1 AND id = $2" + lock, [.text(tenant), .text(audience.id)]).first
            else { throw AudienceRepositoryError.notFound }
            var stored = try Self.audience(current)
            if let expectedVersion, expectedVersion != stored.version {
                throw AudienceRepositoryError.versionConflict(expected: expectedVersion, actual: stored.version)
            }
            try await CatalogLock.check(check, tenant: tenant, in: db)  // a stale edit is 412 first
            stored.version += 1
            stored.name = audience.name
            stored.description = audience.description
            stored.definition = audience.definition
            stored.updatedAt = now
            try await db.query(
                "UPDATE audiences SET version = $3, name = $4, description = $5, definition = $6::jsonb, updated_at = $7 WHERE tenant_id = $1 AND id = $2",
                [.text(tenant), .text(stored.id), .int(stored.version), .text(stored.name), .text(stored.description),
                 .json(definition), .date(now)])
            return stored
        }
    }

    public func delete(tenant: String, id: String) async throws {
        try await database.transaction { db in
            let rows = try await db.query("DELETE FROM audiences WHERE tenant_id = $1 AND id = $2 RETURNING id", [.text(tenant), .text(id)])
            guard !rows.isEmpty else { throw AudienceRepositoryError.notFound }
            try await db.query("DELETE FROM audience_snapshots WHERE tenant_id = $1 AND audience_id = $2", [.text(tenant), .text(id)])
        }
    }

    /// Refuses (`notFound`) when the audience is gone: a delete committed while the snapshot was
    /// being evaluated must not leave it behind for a later audience of the same id. The shared row
    /// lock makes a concurrent delete wait, and `delete` removes the audience before its snapshots.
    public func saveSnapshot(tenant: String, snapshot: AudienceSnapshot) async throws {
        let definition = try Self.json(snapshot.definition)
        let members = snapshot.members.serialized()
        try await database.transaction { db in
            let lock = db.dialect == .postgres ? " FOR SHARE" : ""
            guard try await !db.query("SELECT id FROM audiences WHERE tenant_id = $1 AND id = $2" + lock,
                                      [.text(tenant), .text(snapshot.audienceID)]).isEmpty
            else { throw AudienceRepositoryError.notFound }
            try await db.query(
                """
                INSERT INTO audience_snapshots (tenant_id, audience_id, id, definition, member_count, members, created_at)
                VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7)
                """,
                [.text(tenant), .text(snapshot.audienceID), .text(snapshot.id), .json(definition),
                 .int(snapshot.count), .blob(members), .date(Self.millis(snapshot.createdAt))])
        }
    }

    public func snapshots(tenant: String, audienceID: String) async throws -> [AudienceSnapshot] {
        try await metadata(tenant: tenant, audienceID: audienceID, id: nil)
    }

    public func snapshotMetadata(tenant: String, audienceID: String, id: String) async throws -> AudienceSnapshot? {
        try await metadata(tenant: tenant, audienceID: audienceID, id: id).first
    }

    /// Snapshots without the `members` column (megabytes for millions of ids): all of the
    /// audience's, newest first, or the one `id`.
    private func metadata(tenant: String, audienceID: String, id: String?) async throws -> [AudienceSnapshot] {
        let rows = try await database.query(
            """
            SELECT id, audience_id, definition, member_count, created_at FROM audience_snapshots
            WHERE tenant_id = $1 AND audience_id = $2\(id == nil ? "" : " AND id = $3") ORDER BY created_at DESC, id DESC
            """, [.text(tenant), .text(audienceID)] + (id.map { [.text($0)] } ?? []))
        return try rows.map { row in
            var snapshot = AudienceSnapshot(id: try row.string("id"), audienceID: try row.string("audience_id"),
                                            definition: try Self.definition(row), members: Bitmap(),
                                            createdAt: try row.date("created_at"))
            snapshot.count = try row.int("member_count")
            return snapshot
        }
    }

    public func snapshot(tenant: String, audienceID: String, id: String) async throws -> AudienceSnapshot? {
        guard let row = try await database.query(
            """
            SELECT id, audience_id, definition, members, created_at FROM audience_snapshots
            WHERE tenant_id = $1 AND audience_id = $2 AND id = $3
            """, [.text(tenant), .text(audienceID), .text(id)]).first
        else { return nil }
        guard let members = Bitmap(serialized: try row.blob("members")) else {
            throw StorageError.invalidConfiguration("snapshot \(id) holds an unreadable bitmap")
        }
        return AudienceSnapshot(id: try row.string("id"), audienceID: try row.string("audience_id"),
                                definition: try Self.definition(row), members: members, createdAt: try row.date("created_at"))
    }

    @discardableResult
    public func deleteSnapshot(tenant: String, audienceID: String, id: String) async throws -> Bool {
        !(try await database.query(
            "DELETE FROM audience_snapshots WHERE tenant_id = $1 AND audience_id = $2 AND id = $3 RETURNING id",
            [.text(tenant), .text(audienceID), .text(id)])).isEmpty
    }

    /// Dates at millisecond precision (what both backends keep), so values read back equal.
    static func millis(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000)
    }
}
