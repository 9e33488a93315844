/// Errors raised by the storage layer.
public enum StorageError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidConfiguration(String)
    case migrationFailed(version: Int, reason: String)
    /// The row changed since it was read (optimistic concurrency).
    case versionConflict(current: Int)
    case notFound
    case duplicate(String)
    /// The database was closed (shutdown) before the statement could run.
    case closed

    public var description: String {
        switch self {
        case .invalidConfiguration(let message): "invalid database configuration: \(message)"
        case .migrationFailed(let version, let reason): "migration \(version) failed: \(reason)"
        case .versionConflict(let current): "version conflict (current version \(current))"
        case .notFound: "not found"
        case .duplicate(let what): "duplicate \(what)"
        case .closed: "the database is closed"
        }
    }
}
