import Foundation
import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// PostgreSQL through postgres-nio's pooled `PostgresClient`.
public final class PostgresDatabase: SQLDatabase {
    public let dialect = SQLDialect.postgres
    /// The pool; exposed for backend-specific work (bulk reads, LISTEN).
    public let client: PostgresClient
    let logger: Logger
    let started = Atomic<Bool>(false)

    public init(settings: DatabaseConfiguration.PostgresSettings, logger: Logger) {
        var configuration = PostgresClient.Configuration(
            host: settings.host,
            port: settings.port,
            username: settings.username,
            password: settings.password,
            database: settings.database,
            tls: settings.requireTLS ? .require(.makeClientConfiguration()) : .disable
        )
        configuration.options.maximumConnections = settings.maxConnections
        configuration.options.connectTimeout = .seconds(5)
        configuration.options.additionalStartupParameters = [("application_name", "marquee")]
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
    }

    public func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        let rows = try await client.query(PostgresQuery(unsafeSQL: sql, binds: Self.bindings(binds)), logger: logger)
        return try await Self.collect(rows)
    }

    public func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger) { connection in
                try await body(PostgresConnectionExecutor(connection: connection, logger: logger))
            }
        } catch let error as PostgresTransactionError {
            // The body's own error (a version conflict, say) matters to callers, not the wrapper;
            // it was rolled back unless the rollback itself failed.
            if let closureError = error.closureError, error.rollbackError == nil { throw closureError }
            throw error
        }
    }

    public func run() async {
        started.store(true, ordering: .sequentiallyConsistent)
        await client.run()
    }

    /// Returns once `run()` has started (or the caller is cancelled), so the first statement does
    /// not race the pool's start (postgres-nio queues it either way, but warns).
    public func waitUntilRunning() async {
        while !started.load(ordering: .sequentiallyConsistent) {
            guard !Task.isCancelled else { return }
            await Task.yield()
        }
        await Task.yield()
    }

    public func close() async {}

    static func bindings(_ values: [SQLValue]) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .null: bindings.appendNull()
            case .int(let int): bindings.append(int)
            case .double(let double): bindings.append(double)
            case .text(let text), .json(let text): bindings.append(text)
            case .bool(let bool): bindings.append(bool)
            case .blob(let bytes): bindings.append(ByteBuffer(bytes: bytes))
            case .date(let date): bindings.append(date)
            }
        }
        return bindings
    }

    static func collect(_ rows: PostgresRowSequence) async throws -> [SQLRow] {
        var result: [SQLRow] = []
        for try await row in rows {
            var columns: [String: SQLValue] = [:]
            for cell in row {
                columns[cell.columnName] = try value(of: cell)
            }
            result.append(SQLRow(columns: columns))
        }
        return result
    }

    static func value(of cell: PostgresCell) throws -> SQLValue {
        guard var bytes = cell.bytes else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .int(try cell.decode(Int.self))
        case .bool: return .bool(try cell.decode(Bool.self))
        case .float4, .float8: return .double(try cell.decode(Double.self))
        case .bytea: return .blob(Array(buffer: bytes))
        case .timestamptz, .timestamp: return .date(try cell.decode(Date.self))
        case .jsonb:
            // Binary jsonb is a version byte (1) followed by the JSON text.
            if cell.format == .binary { bytes.moveReaderIndex(forwardBy: 1) }
            return .json(String(buffer: bytes))
        case .json: return .json(String(buffer: bytes))
        default: return .text(try cell.decode(String.self))
        }
    }
}

/// A connection inside a transaction.
struct PostgresConnectionExecutor: SQLExecutor {
    let connection: PostgresConnection
    let logger: Logger
    var dialect: SQLDialect { .postgres }

    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        let rows = try await connection.query(
            PostgresQuery(unsafeSQL: sql, binds: PostgresDatabase.bindings(binds)), logger: logger)
        return try await PostgresDatabase.collect(rows)
    }
}
