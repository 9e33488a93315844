import Foundation

/// Where Marquee keeps its state: an embedded SQLite file (the default) or a PostgreSQL server.
public enum DatabaseConfiguration: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(PostgresSettings)

    public struct PostgresSettings: Sendable, Equatable {
        public var host: String
        public var port: Int
        public var username: String
        public var password: String?
        public var database: String
        /// `sslmode=require` in the URL asks for TLS; the default is plain TCP (loopback, private networks).
        public var requireTLS: Bool
        /// Maximum pooled connections.
        public var maxConnections: Int
    }

    /// Parses `postgres://user:pass@host:port/db`, `postgresql://…`, `sqlite:///path/file.sqlite`,
    /// `sqlite:relative.sqlite` or a bare file path (SQLite).
    public init(url: String) throws {
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty else {
                throw StorageError.invalidConfiguration("cannot parse database URL (expected postgres://user:pass@host:port/db)")
            }
            let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
            let query = components.queryItems ?? []
            var maxConnections = 16
            if let pool = query.first(where: { $0.name == "pool" }) {
                guard let value = pool.value.flatMap({ Int($0) }), (1...1_000).contains(value) else {
                    throw StorageError.invalidConfiguration("pool=\(pool.value ?? "") in the database URL must be a connection count, 1…1000")
                }
                maxConnections = value
            }
            self = .postgres(PostgresSettings(
                host: host,
                port: components.port ?? 5432,
                username: components.user?.removingPercentEncoding ?? "postgres",
                password: components.password?.removingPercentEncoding,
                database: database.isEmpty ? (components.user ?? "postgres") : database,
                requireTLS: query.contains { $0.name == "sslmode" && $0.value == "require" },
                maxConnections: maxConnections
            ))
        } else if url.hasPrefix("sqlite://") {
            self = .sqlite(path: String(url.dropFirst("sqlite://".count)))
        } else if url.hasPrefix("sqlite:") {
            self = .sqlite(path: String(url.dropFirst("sqlite:".count)))
        } else if url.contains("://") {
            throw StorageError.invalidConfiguration("unsupported database URL scheme (use postgres:// or sqlite://)")
        } else {
            self = .sqlite(path: url)
        }
    }

    /// A description without the password, safe for logs.
    public var redacted: String {
        switch self {
        case .sqlite(let path): "sqlite://\(path)"
        case .postgres(let p): "postgres://\(p.username)@\(p.host):\(p.port)/\(p.database)"
        }
    }
}

extension DatabaseConfiguration {
    /// Whether `other` is the same PostgreSQL database (loopback names count as one host): a
    /// tenant's member source must never be Marquee's own database.
    public func isSameDatabase(as other: DatabaseConfiguration) -> Bool {
        guard case .postgres(let a) = self, case .postgres(let b) = other else { return false }
        let loopback: Set<String> = ["localhost", "127.0.0.1", "::1", "[::1]"]
        let host = { (name: String) in loopback.contains(name.lowercased()) ? "loopback" : name.lowercased() }
        return host(a.host) == host(b.host) && a.port == b.port && a.database == b.database
    }

    /// The embedded member database: beside Marquee's own database, never inside it, so the
    /// filter SQL of the tenant owning it cannot read Marquee's tables (every tenant's keys,
    /// coupons, promotions, redemptions). SQLite: `marquee.sqlite` → `marquee-members.sqlite`
    /// in the same directory; PostgreSQL: database `<name>_members` on the same server, same
    /// credentials (created by `marquee demo-data`, or by the operator).
    public var embeddedMembers: DatabaseConfiguration {
        switch self {
        case .sqlite(let path):
            let file = URL(fileURLWithPath: path)
            let ext = file.pathExtension
            let name = file.deletingPathExtension().lastPathComponent + "-members" + (ext.isEmpty ? "" : "." + ext)
            return .sqlite(path: file.deletingLastPathComponent().appendingPathComponent(name).path)
        case .postgres(var settings):
            settings.database += "_members"
            return .postgres(settings)
        }
    }
}
