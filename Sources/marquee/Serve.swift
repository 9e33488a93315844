import ArgumentParser
import Hummingbird
import Server
import Storage

extension ServerConfiguration.ChangeFeedMode: ExpressibleByArgument {}

/// Runs the HTTP service until SIGTERM/SIGINT (in-flight requests finish, then exit 0).
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP service.")

    @OptionGroup var common: CommonOptions
    @OptionGroup var server: ServerOptions

    func run() async throws {
        let onEventLoops = MarqueeApp.runConcurrencyOnEventLoops()
        let logger = common.makeLogger()
        logger.debug("swift concurrency executor", metadata: ["executor": onEventLoops ? "nio-event-loops" : "default"])
        // Migrations run to completion before the service group starts: a failing one then ends
        // the command with its error, instead of failing a running group (whose cancellation
        // can hang, see ExitWatchdog).
        let database = try common.databaseConfiguration()
        try await Store.withStore(database, logger: logger) { _ in }
        let store = try await Store.open(database, logger: logger)
        logger.info("starting", metadata: ["database": "\(store.configuration.redacted)", "address": "\(server.host):\(server.port)"])
        let app = MarqueeApp.build(store: store, configuration: server.configuration, logger: logger)
        try await MarqueeApp.runUntilSignalled(app, gracefulShutdownLimit: .seconds(server.shutdownTimeout), logger: logger)
    }
}

struct ServerOptions: ParsableArguments {
    @Option(help: "Address to listen on (env MARQUEE_HOST).")
    var host: String = Environment.string("MARQUEE_HOST") ?? "127.0.0.1"

    @Option(help: "Port to listen on (env MARQUEE_PORT).")
    var port: Int = Environment.int("MARQUEE_PORT") ?? 8080

    @Option(help: "Largest accepted request body in bytes (env MARQUEE_BODY_LIMIT).")
    var bodyLimit: Int = Environment.int("MARQUEE_BODY_LIMIT") ?? 1 << 20

    @Option(help: "How to follow changes made by other instances: listen (PostgreSQL LISTEN/NOTIFY + poll) or poll (env MARQUEE_CHANGE_FEED).")
    var changeFeed: ServerConfiguration.ChangeFeedMode = Environment.value("MARQUEE_CHANGE_FEED") { ServerConfiguration.ChangeFeedMode(rawValue: $0) } ?? .listen

    @Option(help: "Seconds a connection may send nothing (idle, or in the middle of a request) before it is closed (env MARQUEE_IDLE_TIMEOUT).")
    var idleTimeout: Int = Environment.int("MARQUEE_IDLE_TIMEOUT") ?? 60

    @Option(help: "Seconds a graceful stop (SIGTERM/SIGINT) may take before the rest is cancelled (env MARQUEE_SHUTDOWN_TIMEOUT).")
    var shutdownTimeout: Int = Environment.int("MARQUEE_SHUTDOWN_TIMEOUT") ?? 30

    @Option(help: "Seconds between change-log polls, the safety net behind LISTEN (env MARQUEE_POLL_INTERVAL).")
    var pollInterval: Double = Environment.value("MARQUEE_POLL_INTERVAL") { Double($0) } ?? 5

    @Option(help: "Seconds a coupon reservation holds its use before it expires (env MARQUEE_RESERVATION_TTL).")
    var reservationTTL: Int = Environment.int("MARQUEE_RESERVATION_TTL") ?? 900

    @Option(help: "Seconds between re-evaluations of the audiences promotions test via customer.audiences (env MARQUEE_AUDIENCE_REFRESH).")
    var audienceRefresh: Int = Environment.int("MARQUEE_AUDIENCE_REFRESH") ?? 60

    @Option(help: "max_parallel_workers_per_gather inside filter queries on PostgreSQL member sources; unset = the database's setting (env MARQUEE_FILTER_PARALLEL_WORKERS).")
    var filterParallelWorkers: Int? = Environment.int("MARQUEE_FILTER_PARALLEL_WORKERS")

    /// Nonsense limits fail at start-up instead of running a server that, say, answers 413 to
    /// every body (a negative body limit did), spins (a poll interval rounding to 0 ms) or traps
    /// converting an enormous number of seconds. Upper bounds are far beyond any sensible setting.
    func validate() throws {
        let day = 86_400
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0…65535 (0: any free port)") }
        guard bodyLimit >= 1 else { throw ValidationError("--body-limit must be at least 1 byte") }
        for (name, value, range) in [("--idle-timeout", idleTimeout, 1...day), ("--shutdown-timeout", shutdownTimeout, 0...day),
                                     ("--reservation-ttl", reservationTTL, 1...30 * day), ("--audience-refresh", audienceRefresh, 1...day),
                                     ("--prewarm-budget", prewarmBudget, 0...day), ("--filter-timeout", filterTimeout, 1...day)]
        where !range.contains(value) {
            throw ValidationError("\(name) must be \(range.lowerBound)…\(range.upperBound) seconds")
        }
        guard (0.01...Double(day)).contains(pollInterval) else { throw ValidationError("--poll-interval must be 0.01…86400 seconds") }
        if let filterParallelWorkers, !(0...1_024).contains(filterParallelWorkers) {
            throw ValidationError("--filter-parallel-workers must be 0…1024")
        }
        guard (1...10).contains(audienceMaxDepth) else { throw ValidationError("--audience-max-depth must be 1…10") }
        guard (1...1_048_576).contains(filterCacheMB) else { throw ValidationError("--filter-cache-mb must be 1…1048576") }
    }

    @Option(help: "Deepest nesting of groups in an audience, the root group counting as 1 (env MARQUEE_AUDIENCE_MAX_DEPTH).")
    var audienceMaxDepth: Int = Environment.int("MARQUEE_AUDIENCE_MAX_DEPTH") ?? 3

    @Option(help: "Memory budget of the filter cache in MiB; least recently used results are evicted beyond it (env MARQUEE_FILTER_CACHE_MB).")
    var filterCacheMB: Int = Environment.int("MARQUEE_FILTER_CACHE_MB") ?? 256

    @Option(help: "Seconds start-up pre-warming of the most used filters may delay /readyz (env MARQUEE_PREWARM_BUDGET).")
    var prewarmBudget: Int = Environment.int("MARQUEE_PREWARM_BUDGET") ?? 30

    @Option(help: "Default statement timeout in seconds of filter queries, for member sources that set none (env MARQUEE_FILTER_TIMEOUT).")
    var filterTimeout: Int = Environment.int("MARQUEE_FILTER_TIMEOUT") ?? 30

    var configuration: ServerConfiguration {
        var configuration = ServerConfiguration(host: host, port: port, bodyLimit: bodyLimit, changeFeed: changeFeed,
                                                pollInterval: .milliseconds(Int(pollInterval * 1000)))
        configuration.reservationTTL = .seconds(reservationTTL)
        configuration.idleTimeout = .seconds(max(1, idleTimeout))
        configuration.audiences.membershipRefresh = .seconds(max(1, audienceRefresh))
        configuration.audiences.sources.parallelWorkersPerQuery = filterParallelWorkers
        configuration.audiences.limits.maxDepth = audienceMaxDepth
        configuration.audiences.cache.memoryBudgetBytes = filterCacheMB << 20
        configuration.audiences.prewarmBudget = .seconds(prewarmBudget)
        configuration.audiences.sources.statementTimeout = .seconds(filterTimeout)
        return configuration
    }
}
