import Foundation

/// Where a tenant's member data (the tables its filters query) lives.
///
/// Tenant isolation: the embedded member database (beside Marquee's own, see
/// `DatabaseConfiguration.embeddedMembers`, holding `members`, `films`, …) belongs to at most one
/// tenant (a unique index enforces it); every other tenant configures its own PostgreSQL URL. A tenant without settings has no member source: its filters cannot be saved.
public struct MemberSourceSettings: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// The member database beside Marquee's own (`DatabaseConfiguration.embeddedMembers`).
        case embedded
        /// An external PostgreSQL database, `postgres://user:pass@host:port/db` (`?pool=N`).
        case postgres(url: String)
    }

    public var kind: Kind
    /// Per-query statement timeout; nil uses the server's default (30 s unless configured).
    public var statementTimeout: Duration?
    /// Filter queries run at once against this source; nil uses the default (4, at most the pool).
    public var maxQueries: Int?

    public init(kind: Kind, statementTimeout: Duration? = nil, maxQueries: Int? = nil) {
        self.kind = kind
        self.statementTimeout = statementTimeout
        self.maxQueries = maxQueries
    }

    /// Why these settings cannot serve as a member source for a Marquee on `marquee`, if so: a
    /// URL must be PostgreSQL and not Marquee's own database (whose tables hold every tenant's
    /// keys, coupons and promotions).
    public func problem(marquee: DatabaseConfiguration) -> String? {
        guard case .postgres(let url) = kind else { return nil }
        guard let database = try? DatabaseConfiguration(url: url), case .postgres = database else {
            return "a member source URL must be postgres://…"
        }
        guard !database.isSameDatabase(as: marquee) else {
            return "a member source cannot be Marquee's own database (use --embedded for the member database beside it)"
        }
        return nil
    }

    /// The settings without secrets, for display.
    public var redacted: String {
        let source = switch kind {
        case .embedded: "embedded"
        case .postgres(let url): (try? DatabaseConfiguration(url: url).redacted) ?? "postgres://…"
        }
        let timeout = statementTimeout.map { "\(Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18) s" } ?? "default"
        return source + " (statement timeout \(timeout), max queries " + (maxQueries.map(String.init) ?? "default") + ")"
    }
}

/// The `member_sources` table.
public struct SQLMemberSourceSettingsRepository: Sendable {
    let database: any SQLDatabase

    public init(database: any SQLDatabase) {
        self.database = database
    }

    /// The settings of `tenant`; nil when it has none.
    public func get(tenant: String) async throws -> MemberSourceSettings? {
        guard let row = try await database.query(
            "SELECT kind, url, statement_timeout_ms, max_queries FROM member_sources WHERE tenant_id = $1", [.text(tenant)]).first
        else { return nil }
        let kind: MemberSourceSettings.Kind = try row.string("kind") == "embedded" ? .embedded : .postgres(url: try row.string("url"))
        return MemberSourceSettings(kind: kind, statementTimeout: try row.optionalInt("statement_timeout_ms").map { .milliseconds($0) },
                                    maxQueries: try row.optionalInt("max_queries"))
    }

    /// The tenant owning the embedded member source, if any.
    public func embeddedOwner() async throws -> String? {
        try await database.query("SELECT tenant_id FROM member_sources WHERE kind = 'embedded'", []).first?.string("tenant_id")
    }

    /// Sets (or with nil, removes) `tenant`'s settings. Throws `StorageError.duplicate` when
    /// another tenant already owns the embedded source.
    public func set(tenant: String, _ settings: MemberSourceSettings?) async throws {
        try await database.transaction { db in
            try await db.query("DELETE FROM member_sources WHERE tenant_id = $1", [.text(tenant)])
            guard let settings else { return }
            if case .embedded = settings.kind,
               let owner = try await db.query("SELECT tenant_id FROM member_sources WHERE kind = 'embedded'", []).first {
                throw StorageError.duplicate("embedded member source (owned by tenant \(try owner.string("tenant_id")))")
            }
            let (kind, url): (String, SQLValue) = switch settings.kind {
            case .embedded: ("embedded", .null)
            case .postgres(let url): ("postgres", .text(url))
            }
            let timeout: SQLValue = settings.statementTimeout.map { .int(Int($0.components.seconds * 1000 + $0.components.attoseconds / 1_000_000_000_000_000)) } ?? .null
            try await db.query(
                "INSERT INTO member_sources (tenant_id, kind, url, statement_timeout_ms, max_queries, updated_at) VALUES ($1, $2, $3, $4, $5, $6)",
                [.text(tenant), .text(kind), url, timeout, settings.maxQueries.map { .int($0) } ?? .null, .date(Date())])
        }
    }
}
