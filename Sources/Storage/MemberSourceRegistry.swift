import Audiences
import Logging
import Synchronization

/// A member source that can also check a filter against its database without running it.
public protocol SQLMemberSource: MemberSource {
    /// Prepares `filter` (with sample parameter values) against the database: throws
    /// `MemberSourceError.invalidQuery` when it does not compile or does not return one column.
    func check(_ filter: FilterDefinition) async throws
}

extension PostgresMemberSource: SQLMemberSource {}
extension SQLiteMemberSource: SQLMemberSource {}

/// Defaults for member sources whose settings leave them open.
public struct MemberSourceDefaults: Sendable {
    /// Statement timeout of filter queries. Default 30 s.
    public var statementTimeout: Duration
    /// Filter queries at once per source. Default 4.
    public var maxQueries: Int
    /// PostgreSQL sources: `max_parallel_workers_per_gather` set inside each filter's
    /// transaction. Default nil: the database's own setting (PostgreSQL's default is 2). 0 makes
    /// every filter serial: on 2 cores that made cold audiences slower at 1M members, but it
    /// avoids a PostgreSQL 15 parallel-DISTINCT stall seen at 5M (docs/audiences-benchmark.md).
    public var parallelWorkersPerQuery: Int?

    public init(statementTimeout: Duration = .seconds(30), maxQueries: Int = 4, parallelWorkersPerQuery: Int? = nil) {
        self.statementTimeout = statementTimeout
        self.maxQueries = maxQueries
        self.parallelWorkersPerQuery = parallelWorkersPerQuery
    }
}

/// Each tenant's member source, built from its `MemberSourceSettings` and kept while they do
/// not change (settings are re-read at most every `settingsTTL`). PostgreSQL member pools are
/// run by the registry and stopped by `shutdown()`; after it, `source` throws instead of starting
/// a pool nobody would stop.
///
/// `Sendable` without `@unchecked`: the state is inside a `Mutex`, never held across `await`.
public final class MemberSourceRegistry: Sendable {
    struct Cached {
        var settings: MemberSourceSettings
        var source: RetiringMemberSource
        var loadedAt: ContinuousClock.Instant
        var pool: Task<Void, Never>?
    }

    struct State {
        var sources: [String: Cached] = [:]
        var isShutDown = false
    }

    let repository: SQLMemberSourceSettingsRepository
    let store: Store
    let defaults: MemberSourceDefaults
    let settingsTTL: Duration
    /// Called with the tenant when its source was rebuilt because its settings changed (results
    /// computed on the old database must go).
    let sourceChanged: @Sendable (String) -> Void
    let state = Mutex(State())

    public init(store: Store, defaults: MemberSourceDefaults = MemberSourceDefaults(), settingsTTL: Duration = .seconds(5),
                sourceChanged: @escaping @Sendable (String) -> Void = { _ in })
    {
        self.repository = store.memberSourceSettings
        self.store = store
        self.defaults = defaults
        self.settingsTTL = settingsTTL
        self.sourceChanged = sourceChanged
    }

    /// `tenant`'s member source; throws `MemberSourceError.notConfigured` when it has none, and
    /// `.unavailable` after `shutdown()`.
    public func source(tenant: String) async throws -> any SQLMemberSource {
        let now = ContinuousClock.now
        if let cached = state.withLock({ $0.sources[tenant] }), now - cached.loadedAt < settingsTTL { return cached.source }
        guard let settings = try await repository.get(tenant: tenant) else {
            drop(tenant)
            throw MemberSourceError.notConfigured(tenant: tenant)
        }
        let unchanged = state.withLock { state -> (any SQLMemberSource)? in
            guard let cached = state.sources[tenant], cached.settings == settings else { return nil }
            state.sources[tenant]?.loadedAt = now
            return cached.source
        }
        if let unchanged { return unchanged }
        let built = try make(settings)
        let source = RetiringMemberSource(base: built.source)
        enum Outcome { case installed(replacing: Task<Void, Never>?, changed: Bool), builtConcurrently(any SQLMemberSource), shutDown }
        let outcome = state.withLock { state -> Outcome in
            if state.isShutDown { return .shutDown }
            // Two first calls for a tenant both build; the first to get here wins, so no caller
            // keeps a source whose pool was stopped under it.
            if let cached = state.sources[tenant], cached.settings == settings { return .builtConcurrently(cached.source) }
            let replaced = state.sources[tenant]
            replaced?.source.retired.retire()  // before the cache is told (see RetiringMemberSource)
            state.sources[tenant] = Cached(settings: settings, source: source, loadedAt: now, pool: built.pool)
            return .installed(replacing: replaced?.pool, changed: replaced != nil)
        }
        switch outcome {
        case .installed(let replaced, let changed):
            replaced?.cancel()
            if changed { sourceChanged(tenant) }
            await built.database?.waitUntilRunning()
            return source
        case .builtConcurrently(let source):
            built.pool?.cancel()
            return source
        case .shutDown:
            built.pool?.cancel()
            throw MemberSourceError.unavailable("the server is shutting down")
        }
    }

    /// Forgets `tenant`'s source (after its settings changed here).
    public func drop(_ tenant: String) {
        guard let dropped = state.withLock({ $0.sources.removeValue(forKey: tenant) }) else { return }
        dropped.source.retired.retire()
        dropped.pool?.cancel()
        sourceChanged(tenant)  // a source set again later must not find the old one's results
    }

    /// Stops every external pool; later `source` calls throw.
    public func shutdown() {
        let pools = state.withLock { state in
            defer { state = State(isShutDown: true) }
            return state.sources.values.compactMap(\.pool)
        }
        for pool in pools { pool.cancel() }
    }

    /// The source for `settings`; for a PostgreSQL member database also the task running its pool.
    func make(_ settings: MemberSourceSettings) throws -> (source: any SQLMemberSource, pool: Task<Void, Never>?, database: PostgresDatabase?) {
        let timeout = settings.statementTimeout ?? defaults.statementTimeout
        let queries = settings.maxQueries ?? defaults.maxQueries
        let logger = store.logger
        switch settings.kind {
        case .embedded:
            // The member database beside Marquee's own (`embeddedMembers`), not Marquee's own:
            // the owner's filters must not reach other tenants' data.
            switch store.configuration.embeddedMembers {
            case .sqlite(let path):
                return (SQLiteMemberSource(path: path, maxConcurrentQueries: queries, logger: logger), nil, nil)
            case .postgres(var pool):
                pool.maxConnections = max(1, queries)
                return makePostgres(pool, timeout: timeout)
            }
        case .postgres(let url):
            if let problem = settings.problem(marquee: store.configuration) { throw MemberSourceError.unavailable(problem) }
            guard case .postgres(var pool) = try DatabaseConfiguration(url: url) else {
                throw MemberSourceError.unavailable("a member source URL must be postgres://…")
            }
            pool.maxConnections = max(1, min(pool.maxConnections, queries))
            return makePostgres(pool, timeout: timeout)
        }
    }

    /// A PostgreSQL member source with a pool of its own, run by the registry.
    func makePostgres(_ pool: DatabaseConfiguration.PostgresSettings, timeout: Duration)
        -> (source: any SQLMemberSource, pool: Task<Void, Never>?, database: PostgresDatabase?)
    {
        let database = PostgresDatabase(settings: pool, logger: store.logger)
        // Detached: a plain Task would inherit the caller's graceful-shutdown handle, and
        // the pool (postgres-nio stops on graceful shutdown) would stop with, say, the HTTP
        // server that happened to build it, while the audience service still uses it.
        let task = Task.detached { await database.run() }
        return (PostgresMemberSource(client: database.client, maxConcurrentQueries: pool.maxConnections,
                                     statementTimeout: timeout, parallelWorkersPerQuery: defaults.parallelWorkersPerQuery,
                                     logger: store.logger), task, database)
    }
}
