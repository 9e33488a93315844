import Audiences
import Logging
import Roaring
import ServiceLifecycle
import Storage
import Synchronization

/// Audiences in the server: the process-wide filter cache and engine, each tenant's member
/// source and filter catalog. As a service it pre-warms the cache from stored usage (then marks
/// `audiences` done on `Readiness`), runs the refresher and exports cache metrics until
/// shutdown (saving usage once more on the way out).
public final class AudienceService: Service, FilterResolver, ReportsStage {
    public let store: Store
    public let configuration: AudienceConfiguration
    public let cache: FilterCache
    public let engine: AudienceEngine
    public let sources: MemberSourceRegistry
    let readiness: Readiness?
    let logger: Logger
    let metrics: AudienceMetrics
    let catalogs = Mutex(Catalogs())
    /// Tenants whose audiences or filters changed on this instance since ``AudienceMemberships`` last looked.
    let changedAudienceTenants = TenantSet()
    /// What `run()` is doing, for `StopTrace`.
    let currentStage = Mutex("not started")
    public var stage: String {
        let stage = currentStage.withLock { $0 }
        return stage == "refreshing" ? "refresher: \(cache.refresherStage)" : stage
    }

    public init(store: Store, configuration: AudienceConfiguration = AudienceConfiguration(), readiness: Readiness? = nil,
                logger: Logger)
    {
        Telemetry.bootstrap()
        self.store = store
        self.configuration = configuration
        let cache = FilterCache(configuration: configuration.cache, usageStore: store.filterUsage, observer: AudienceMetrics.observe)
        self.cache = cache
        self.engine = AudienceEngine(cache: cache, limits: configuration.limits)
        let changedTenants = changedAudienceTenants
        // A tenant pointed at another member database: nothing computed on the old one is kept,
        // and its pricing memberships are re-evaluated.
        self.sources = MemberSourceRegistry(store: store, defaults: configuration.sources) { tenant in
            cache.invalidate(tenant: tenant)
            changedTenants.insert(tenant)
        }
        self.readiness = readiness
        self.logger = logger
        self.metrics = AudienceMetrics()
    }

    /// `tenant`'s filters (cached for `catalogTTL`, dropped at once by local writes).
    public func catalog(tenant: String) async throws -> FilterCatalog {
        let now = ContinuousClock.now
        let (cached, generation) = catalogs.withLock { ($0.entries[tenant], $0.generations[tenant, default: 0]) }
        if let cached, now - cached.loadedAt < configuration.catalogTTL { return cached.catalog }
        let catalog = FilterCatalog(try await store.filters.list(tenant: tenant))
        catalogs.withLock { catalogs in
            // A filter changed here while the list was read: the list may predate the change,
            // so it must not be kept (the next caller reads again).
            if catalogs.generations[tenant, default: 0] == generation { catalogs.entries[tenant] = (catalog, now) }
        }
        return catalog
    }

    /// Forgets cached state after `tenant`'s filter `filterID` changed.
    public func filterChanged(tenant: String, filterID: String) {
        catalogs.withLock { catalogs in
            catalogs.entries.removeValue(forKey: tenant)
            catalogs.generations[tenant, default: 0] += 1
        }
        cache.invalidate(tenant: tenant, filterID: filterID)
        audienceChanged(tenant: tenant)
    }

    /// Notes that one of `tenant`'s saved audiences changed (its pricing memberships are stale).
    public func audienceChanged(tenant: String) {
        changedAudienceTenants.insert(tenant)
    }

    func takeChangedAudienceTenants() -> Set<String> {
        changedAudienceTenants.takeAll()
    }

    /// Resolves and evaluates `definition` for `tenant` (issue paths under `basePath`).
    public func evaluate(tenant: String, definition: AudienceDefinition, basePath: String = "/definition") async throws -> AudienceResult {
        let catalog = try await catalog(tenant: tenant)
        let audience = try catalog.resolve(definition, limits: configuration.limits, basePath: basePath)
        let source = try await sources.source(tenant: tenant)
        do {
            return try await engine.evaluate(tenant: tenant, audience: audience, source: source)
        } catch let error as FilterQueryError where error.underlying as? MemberSourceError == .replaced {
            // The tenant's source changed while this ran: once more, on the new one.
            return try await engine.evaluate(tenant: tenant, audience: audience, source: try await sources.source(tenant: tenant))
        }
    }

    public func resolveFilter(tenant: String, filterID: String) async throws -> (FilterDefinition, any MemberSource)? {
        guard let filter = try await store.filters.get(tenant: tenant, id: filterID) else { return nil }
        return (filter, try await sources.source(tenant: tenant))
    }

    public func run() async throws {
        currentStage.withLock { $0 = "waiting for migrations" }
        await readiness?.waitUntilDone("migrations")
        guard !Task.isCancelled else {  // stopped before it started (e.g. migrations failed)
            sources.shutdown()
            return
        }
        currentStage.withLock { $0 = "pre-warming" }
        let report = await cache.prewarm(budget: configuration.prewarmBudget, resolver: self, maxFilters: configuration.prewarmMaxFilters)
        logger.info("audience cache pre-warmed", metadata: [
            "candidates": "\(report.candidates)", "warmed": "\(report.warmed)", "skipped": "\(report.skipped)",
            "failed": "\(report.failed)", "unfinished": "\(report.unfinished)", "elapsed": "\(report.elapsed)",
        ].merging(report.loadError.map { ["error": "\($0)"] } ?? [:]) { a, _ in a })
        readiness?.markDone("audiences")
        let cache = cache, metrics = metrics
        currentStage.withLock { $0 = "refreshing" }
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await cache.runRefresher() }
                group.addTask {
                    var previous = FilterCacheStats()
                    while !Task.isCancelled {
                        let stats = cache.stats()
                        metrics.record(stats, since: previous)
                        previous = stats
                        try? await Task.sleep(for: .seconds(1))
                    }
                }
            }
        }
        currentStage.withLock { $0 = "stopping member sources" }
        sources.shutdown()
    }
}

/// Tenants' filter catalogs, and how often each tenant's filters changed on this instance.
struct Catalogs {
    var entries: [String: (catalog: FilterCatalog, loadedAt: ContinuousClock.Instant)] = [:]
    var generations: [String: Int] = [:]
}

/// Tenant ids noted from several places (a reference, so closures built in `init` can share it).
final class TenantSet: Sendable {
    let tenants = Mutex<Set<String>>([])

    func insert(_ tenant: String) {
        tenants.withLock { _ = $0.insert(tenant) }
    }

    func takeAll() -> Set<String> {
        tenants.withLock { tenants in
            defer { tenants = [] }
            return tenants
        }
    }
}
