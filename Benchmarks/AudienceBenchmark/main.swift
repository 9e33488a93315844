// Audience benchmark: the same audiences on the same PostgreSQL data, evaluated
// (a) as one SQL statement (SingleQueryFormulation: UNION ALL + GROUP BY + HAVING),
// (b) by Marquee cold (empty filter cache: every filter its own query, bounded parallelism),
//     twice, after an untimed cold evaluation: with no history, and with the filters' last query
//     times known (as the usage statistics carry them across restarts), which starts the slowest
//     filter first,
// (c) by Marquee warm (every filter cached: bitmap algebra only).
// Counts must agree exactly. See docs/audiences-benchmark.md.
//
//   swift run -c release AudienceBenchmark --database postgres://postgres@127.0.0.1:5432/bench [--generate --members 1000000] [--parallel N (default: cores)]
//     [--filter-workers N|server (default: server)] [--skip-single] [--warm-runs N] [--known-first]
//
// --filter-workers N sets max_parallel_workers_per_gather inside Marquee's filter transactions
// only (default "server": PostgreSQL's own setting, as the server's member sources use); the
// single statement always runs with the server's settings. --skip-single times Marquee only
// (no single statement, no agreement check). --known-first runs the cold evaluation with known
// query times before the one without (to see what the order itself is worth).
import Audiences
import CinemaData
import Foundation
import Logging
import NIOCore
import PostgresNIO
import Roaring
import Storage
import Synchronization

struct Options {
    var database = ProcessInfo.processInfo.environment["MARQUEE_BENCH_DATABASE_URL"] ?? ""
    var members = 1_000_000
    var generate = false
    /// Filter queries at once; defaults to the machine's cores (`--parallel N` overrides).
    var parallel = ProcessInfo.processInfo.activeProcessorCount
    var warmRuns = 50
    /// `max_parallel_workers_per_gather` in Marquee's filter transactions; nil: the server's.
    var filterWorkers: Int?
    var skipSingle = false
    var knownFirst = false

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        /// The next argument as a count of at least `minimum`; anything else stops with the usage.
        func count(after flag: String, minimum: Int) -> Int {
            guard let value = iterator.next().flatMap(Int.init), value >= minimum else { Self.usage("\(flag) needs a whole number ≥ \(minimum)") }
            return value
        }
        while let argument = iterator.next() {
            switch argument {
            case "--database": database = iterator.next() ?? database
            case "--members": members = count(after: argument, minimum: 1)
            case "--generate": generate = true
            case "--parallel": parallel = count(after: argument, minimum: 1)
            case "--warm-runs": warmRuns = count(after: argument, minimum: 1)
            case "--filter-workers":
                let value = iterator.next()
                guard value != "server" else { filterWorkers = nil; continue }
                guard let workers = value.flatMap(Int.init), workers >= 0 else { Self.usage("--filter-workers needs server or a whole number ≥ 0") }
                filterWorkers = workers
            case "--skip-single": skipSingle = true
            case "--known-first": knownFirst = true
            case "--help", "-h": Self.usage(exitCode: 0)
            default: Self.usage("unknown argument \(argument)")
            }
        }
        guard database.hasPrefix("postgres") else { Self.usage("--database postgres://… is required") }
    }

    static func usage(_ problem: String? = nil, exitCode: Int32 = 2) -> Never {
        if let problem { FileHandle.standardError.write(Data("AudienceBenchmark: \(problem)\n".utf8)) }
        print("""
            usage: AudienceBenchmark --database postgres://… [--generate] [--members N] [--parallel N]
                                     [--filter-workers N|server] [--skip-single] [--warm-runs N] [--known-first]
            (MARQUEE_BENCH_DATABASE_URL can stand for --database; see docs/audiences-benchmark.md)
            """)
        exit(exitCode)
    }
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func format(_ seconds: Double) -> String {
    seconds >= 1 ? String(format: "%.2f s", seconds) : String(format: "%.2f ms", seconds * 1000)
}

func ratio(_ a: Double, _ b: Double) -> String { String(format: "%.1f×", a / b) }

/// Usage statistics kept in memory, carrying query times from one cache to the next.
final class MemoryUsageStore: FilterUsageStore {
    private let records = Mutex<[FilterUsage]>([])
    func loadUsage() async throws -> [FilterUsage] { records.withLock { $0 } }
    func saveUsage(_ usage: [FilterUsage]) async throws { records.withLock { $0 = usage } }
}

func run(_ options: Options) async throws {
let warmRuns = options.warmRuns, parallel = options.parallel, generate = options.generate, memberCount = options.members
let logger: Logger = {
    var logger = Logger(label: "audience-benchmark")
    logger.logLevel = .warning
    return logger
}()
let configuration = try DatabaseConfiguration(url: options.database)

try await Store.withStore(configuration, logger: logger, migrate: false) { store in
    let database = store.database as! Storage.PostgresDatabase
    if generate {
        let bar = ProgressBar(label: "generating \(memberCount) members")
        try await CinemaGenerator(database: database, members: memberCount).run(progress: bar.update)
    }
    let counts = try await database.query("SELECT (SELECT COUNT(*) FROM members) AS m, (SELECT COUNT(*) FROM tickets) AS t, (SELECT COUNT(*) FROM concessions) AS c")
    let members = try counts[0].int("m"), tickets = try counts[0].int("t"), concessions = try counts[0].int("c")
    let serverWorkers = try await database.query("SELECT current_setting('max_parallel_workers_per_gather') AS w")[0].string("w")
    print("data: \(members) members, \(tickets) tickets, \(concessions) concessions; filter parallelism \(parallel); "
          + "max_parallel_workers_per_gather: single statement \(serverWorkers) (server), filters \(options.filterWorkers.map(String.init) ?? "\(serverWorkers) (server)")")

    let catalog = FilterCatalog(CinemaCatalog.filters)
    let source = PostgresMemberSource(client: database.client, maxConcurrentQueries: parallel,
                                      statementTimeout: .seconds(600), parallelWorkersPerQuery: options.filterWorkers, logger: logger)
    let clock = ContinuousClock()
    print("| audience | filters | members | single SQL | Marquee cold | cold, times known | Marquee warm (median of \(warmRuns)) | single / cold | single / cold, times known | single / warm |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    var totals = (single: 0.0, cold: 0.0, known: 0.0, warm: 0.0)
    for (name, definition) in CinemaCatalog.benchmarkAudiences {
        let audience = try catalog.resolve(definition)
        // (a) The single statement, its ids fetched the same way Marquee fetches a filter's.
        let (sql, binds) = SingleQueryFormulation.sql(for: audience)
        let wrapped = "SELECT string_agg(int4send((q.member_id::int8 - 2147483648)::int4), ''::bytea) AS ids FROM (\n\(sql)\n) AS q"
        var single = Double.nan
        var buffer: ByteBuffer?
        if !options.skipSingle {
            let started = clock.now
            let rows = try await database.client.query(PostgresQuery(unsafeSQL: wrapped, binds: try PostgresMemberSource.bindingsForBenchmark(binds)), logger: logger)
            for try await row in rows { buffer = try row.decode(ByteBuffer?.self) }
            single = seconds(started.duration(to: clock.now))
        }
        var singleMembers = Bitmap()
        if var buffer {
            var values = [UInt32]()
            while let value = buffer.readInteger(as: UInt32.self) { values.append(value ^ 0x8000_0000) }
            singleMembers = Bitmap(values)
        }
        // (b) Cold: a new, empty cache, without and with the filters' last query times. The times
        // come from an untimed cold evaluation first (as a previous day would leave them in the
        // usage store), so both timed runs follow the same queries and differ only in order.
        // (c) Warm: the last cache again.
        let usage = MemoryUsageStore()
        let earlier = FilterCache(usageStore: usage)
        _ = try await AudienceEngine(cache: earlier).evaluate(tenant: "bench", audience: audience, source: source)
        try await earlier.saveUsage()
        func evaluateCold(knownTimes: Bool) async throws -> (AudienceEngine, AudienceResult, Double) {
            let engine = AudienceEngine(cache: FilterCache(usageStore: usage))
            if knownTimes { try await engine.cache.loadUsage() }
            let started = clock.now
            let result = try await engine.evaluate(tenant: "bench", audience: audience, source: source)
            return (engine, result, seconds(started.duration(to: clock.now)))
        }
        let engine: AudienceEngine, cold: AudienceResult, coldSeconds: Double, known: AudienceResult, knownSeconds: Double
        if options.knownFirst {
            (_, known, knownSeconds) = try await evaluateCold(knownTimes: true)
            (engine, cold, coldSeconds) = try await evaluateCold(knownTimes: false)
        } else {
            (_, cold, coldSeconds) = try await evaluateCold(knownTimes: false)
            (engine, known, knownSeconds) = try await evaluateCold(knownTimes: true)
        }
        var warmTimes: [Double] = []
        var warm = cold
        for _ in 0..<warmRuns {
            let warmStarted = clock.now
            warm = try await engine.evaluate(tenant: "bench", audience: audience, source: source)
            warmTimes.append(seconds(warmStarted.duration(to: clock.now)))
        }
        warmTimes.sort()
        let warmMedian = warmTimes[warmTimes.count / 2]
        if options.skipSingle { singleMembers = cold.members }
        guard cold.members == singleMembers, known.members == singleMembers, warm.members == singleMembers else {
            fatalError("\(name): counts differ: single \(singleMembers.count), cold \(cold.count), times known \(known.count), warm \(warm.count)")
        }
        totals.single += single; totals.cold += coldSeconds; totals.known += knownSeconds; totals.warm += warmMedian
        print("| \(name) | \(audience.requests.count + (audience.universe == nil ? 0 : 1)) | \(cold.count) | \(format(single)) | \(format(coldSeconds)) | \(format(knownSeconds)) | \(format(warmMedian)) | \(ratio(single, coldSeconds)) | \(ratio(single, knownSeconds)) | \(String(format: "%.0f×", single / warmMedian)) |")
    }
    print("| **total** | | | \(format(totals.single)) | \(format(totals.cold)) | \(format(totals.known)) | \(format(totals.warm)) | \(ratio(totals.single, totals.cold)) | \(ratio(totals.single, totals.known)) | \(String(format: "%.0f×", totals.single / totals.warm)) |")
}
}

try await run(Options(CommandLine.arguments))
