import Audiences
import Logging
import NIOCore
import PostgresNIO
import Roaring

/// Runs filters on PostgreSQL: each query in a `READ ONLY` transaction with a
/// `statement_timeout` (and, when set, `max_parallel_workers_per_gather`), its ids fetched as
/// one binary value
/// (`string_agg(int4send(…), ''::bytea)`, 4 bytes per id) read into a bitmap.
///
/// The ids come in whatever order the query produces them: CRoaring adds unsorted ids at about
/// 30 ns each, while `ORDER BY` inside the aggregate made PostgreSQL 15 sort every
/// result (an ordered aggregate always sorts), 0.1–0.5 s for a filter of 0.6–0.7 M members.
///
/// Ids are offset by 2³¹ before `int4send` so the whole unsigned 32-bit range fits an `int4`;
/// ids outside it fail the query (`integer out of range`). NULL ids are ignored.
public struct PostgresMemberSource: MemberSource {
    let client: PostgresClient
    public let maxConcurrentQueries: Int
    let statementTimeout: Duration
    /// `max_parallel_workers_per_gather` inside filter transactions (`SET LOCAL`); nil leaves the
    /// server's setting. See `MemberSourceDefaults.parallelWorkersPerQuery` for when 0 helps
    /// (and when it does not).
    public let parallelWorkersPerQuery: Int?
    let logger: Logger
    /// Tests whose member tables sit in a Marquee test database; a tenant's source never does.
    let allowsMarqueeDatabase: Bool

    /// A source over `client` (a pool someone runs), at most `maxConcurrentQueries` at once.
    public init(client: PostgresClient, maxConcurrentQueries: Int, statementTimeout: Duration,
                parallelWorkersPerQuery: Int? = nil, allowsMarqueeDatabase: Bool = false, logger: Logger) {
        self.allowsMarqueeDatabase = allowsMarqueeDatabase
        self.client = client
        self.maxConcurrentQueries = max(1, maxConcurrentQueries)
        self.statementTimeout = statementTimeout
        self.parallelWorkersPerQuery = parallelWorkersPerQuery.map { max(0, $0) }
        self.logger = logger
    }

    public func members(of filter: FilterDefinition, parameters: [String: ParameterValue]) async throws -> Bitmap {
        let (sql, order) = filter.positionalSQL()
        let binds = try Self.bindings(order.map { name in
            guard let value = parameters[name] else { throw MemberSourceError.invalidQuery("parameter :\(name) has no value") }
            return value
        })
        let statement = """
            SELECT string_agg(int4send((s.id::int8 - 2147483648)::int4), ''::bytea) AS ids FROM (
            \(sql)
            ) AS s(id)
            """
        let logger = logger
        let buffer = try await readOnly { connection -> ByteBuffer? in
            let rows = try await connection.query(PostgresQuery(unsafeSQL: statement, binds: binds), logger: logger)
            var result: ByteBuffer?
            for try await row in rows { result = try row.decode(ByteBuffer?.self) }
            return result
        }
        guard var buffer else { return Bitmap() }
        var values = [UInt32]()
        values.reserveCapacity(buffer.readableBytes / 4)
        while let value = buffer.readInteger(as: UInt32.self) { values.append(value ^ 0x8000_0000) }
        return Bitmap(values)
    }

    /// Prepares `filter` against the database without running it (SQL `PREPARE`: parsed and
    /// analysed with its parameters' types, never executed, so `1 / :n` or `:n::int` does not
    /// fail on a sample value as it did when the check ran with one). The query must return
    /// exactly one column, of an integer type: a `numeric` or `real` id was rounded to a member.
    public func check(_ filter: FilterDefinition) async throws {
        let (sql, order) = filter.positionalSQL()
        let types = order.map { name in filter.parameter(named: name).map { Self.sqlType(of: $0.type) } ?? "unknown" }
        let name = "marquee_check_\(UInt64.random(in: 0...UInt64.max))"
        let prepare = "PREPARE \(name)" + (types.isEmpty ? "" : "(" + types.joined(separator: ", ") + ")") + " AS "
        let shape = prepare + "SELECT 1 FROM (\n\(sql)\n) AS s WHERE ROW(s.*) = ROW(NULL::bigint) LIMIT 0"
        // `&` is defined on smallint, integer and bigint only (numeric, real, text have none).
        let integer = prepare + "SELECT s.id & 0::int8 FROM (\n\(sql)\n) AS s(id) LIMIT 0"
        let logger = logger
        // A named statement outlives a rollback; only a failing DEALLOCATE could leave one
        // behind (a failed PREPARE creates nothing), and then its random name collides with nothing.
        try await readOnly { connection in
            _ = try await connection.query(PostgresQuery(unsafeSQL: shape), logger: logger)
            _ = try await connection.query(PostgresQuery(unsafeSQL: "DEALLOCATE \(name)"), logger: logger)
            // Only "no operator" is the column's type; a timeout or lost connection is classified as usual.
            do {
                _ = try await connection.query(PostgresQuery(unsafeSQL: integer), logger: logger)
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "42883" {
                throw MemberSourceError.invalidQuery("the query's column must be of an integer type (smallint, integer or bigint): member ids are unsigned 32-bit integers")
            }
            _ = try await connection.query(PostgresQuery(unsafeSQL: "DEALLOCATE \(name)"), logger: logger)
        }
    }

    /// The PostgreSQL type a parameter is bound as (see ``bindings(_:)``; strings stay untyped).
    static func sqlType(of type: ParameterType) -> String {
        switch type {
        case .string: "unknown"
        case .integer: "bigint"
        case .decimal: "numeric"
        case .date: "date"
        case .boolean: "boolean"
        case .stringArray: "text[]"
        case .integerArray: "bigint[]"
        }
    }

    /// How much longer than the statement timeout a whole filter transaction may take
    /// (connecting, `BEGIN`, `COMMIT`) before it is cancelled and the source reported unavailable.
    /// postgres-nio's `PostgresClient` queues a query forever when it cannot connect (e.g. the
    /// database does not exist, vapor/postgres-nio#602): without this an evaluation would hang.
    static let connectAllowance: Duration = .seconds(10)

    /// Runs `body` in a read-only transaction with the statement timeout and the parallel
    /// worker limit (both `SET LOCAL`, in one statement), within the statement timeout plus
    /// ``connectAllowance``; errors classified.
    func readOnly<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let limit = statementTimeout + Self.connectAllowance
        return try await withDeadline(limit, expired: { MemberSourceError.unavailable("no connection or no answer within \(limit)") }) {
            try await self.transaction(body)
        }
    }

    func transaction<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let milliseconds = statementTimeout.components.seconds * 1000 + statementTimeout.components.attoseconds / 1_000_000_000_000_000
        // The first column says whether this is a Marquee database (its reservation function or,
        // for a copy of its tables without functions, three of its table names together):
        // checked on the connection itself, as no host name comparison can (`0.0.0.0`, another
        // name or address of the same server), in the statement that is sent anyway.
        var settings = "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_proc WHERE proname = 'marquee_reserve')"
            + " OR (SELECT count(DISTINCT relname) FROM pg_catalog.pg_class WHERE relname IN ('api_keys', 'member_sources', 'coupon_usage')) = 3,"
            + " set_config('statement_timeout', '\(max(1, milliseconds))', true)"
        if let workers = parallelWorkersPerQuery {
            settings += ", set_config('max_parallel_workers_per_gather', '\(workers)', true)"
        }
        let logger = logger
        do {
            return try await client.withConnection { connection in
                // A lease can arrive after its caller gave up (see `withDeadline`): run nothing then.
                try Task.checkCancellation()
                _ = try await connection.query("BEGIN READ ONLY", logger: logger)
                do {
                    var isMarquee = false
                    for try await row in try await connection.query(PostgresQuery(unsafeSQL: settings), logger: logger) {
                        isMarquee = try row.makeRandomAccess()[0].decode(Bool.self)
                    }
                    guard !isMarquee || self.allowsMarqueeDatabase else { throw MemberSourceError.unavailable(Self.marquee) }
                    let result = try await body(connection)
                    _ = try await connection.query("COMMIT", logger: logger)
                    return result
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
        } catch {
            throw classify(error)
        }
    }

    static let marquee = "a member source cannot be Marquee's own database, nor any database holding Marquee's tables"
        + " (every tenant's keys, coupons and promotions)"

    func classify(_ error: any Error) -> any Error {
        if error is CancellationError || error is MemberSourceError { return error }
        guard let error = error as? PSQLError else { return MemberSourceError.unavailable(String(describing: error)) }
        guard let info = error.serverInfo, let state = info[.sqlState] else {
            return MemberSourceError.unavailable(String(describing: error.code))
        }
        if state == "57014" { return MemberSourceError.timeout(statementTimeout) }
        if state.hasPrefix("08") || state.hasPrefix("53") || state.hasPrefix("57") {
            return MemberSourceError.unavailable(info[.message] ?? state)
        }
        var message = info[.message] ?? "query failed (SQLSTATE \(state))"
        if let hint = info[.hint] { message += " (\(hint))" }
        return MemberSourceError.invalidQuery(message)
    }

    /// Binds values with their declared types: strings as untyped text (PostgreSQL infers the
    /// type from context), integers as `bigint`, decimals as `numeric`, dates as `date`,
    /// booleans as `boolean`, lists as `text[]` / `bigint[]`.
    static func bindings(_ values: [ParameterValue]) throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .string(let text): bindings.append(TypedText(psqlType: PostgresDataType(0), text: text))
            case .integer(let int): bindings.append(Int(int))
            case .decimal(let text): bindings.append(TypedText(psqlType: .numeric, text: text))
            case .date(let text): bindings.append(TypedText(psqlType: .date, text: text))
            case .boolean(let bool): bindings.append(bool)
            case .stringArray(let texts): bindings.append(texts)
            case .integerArray(let ints): bindings.append(ints.map { Int($0) })
            }
        }
        return bindings
    }

    /// A value sent in PostgreSQL's text format with an explicit (or unknown, 0) type.
    struct TypedText: PostgresDynamicTypeEncodable {
        var psqlType: PostgresDataType
        var psqlFormat: PostgresFormat { .text }
        var text: String

        func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
            byteBuffer.writeString(text)
        }
    }
}

extension ParameterValue {
    /// A value of `type` used only to prepare a query (its result is never read).
    static func sample(of type: ParameterType) -> ParameterValue {
        switch type {
        case .string: .string("")
        case .integer: .integer(0)
        case .decimal: .decimal("0")
        case .date: .date("2000-01-01")
        case .boolean: .boolean(false)
        case .stringArray: .stringArray([])
        case .integerArray: .integerArray([])
        }
    }
}

extension PostgresMemberSource {
    /// The bindings `members(of:parameters:)` uses, for running other statements over the same
    /// values (the benchmark's single-query baseline).
    public static func bindingsForBenchmark(_ values: [ParameterValue]) throws -> PostgresBindings {
        try bindings(values)
    }
}
