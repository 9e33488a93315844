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
    let catalogs = Mutex<[String: (catalog: FilterCatalog, loadedAt: ContinuousClock.Instant)]>([:])
    /// Tenants whose audiences or filters changed on this instance since ``AudienceMemberships`` last looked.
    let changedAudienceTenants = Mutex<Set<String>>([])
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
        self.cache = FilterCache(configuration: configuration.cache, usageStore: store.filterUsage, observer: AudienceMetrics.observe)
        self.engine = AudienceEngine(cache: cache, limits: configuration.limits)
        self.sources = MemberSourceRegistry(store: store, defaults: configuration.sources)
        self.readiness = readiness
        self.logger = logger
        self.metrics = AudienceMetrics()
    }

    /// `tenant`'s filters (cached for `catalogTTL`, dropped at once by local writes).
    public func catalog(tenant: String) async throws -> FilterCatalog {
        let now = ContinuousClock.now
        if let cached = catalogs.withLock({ $0[tenant] }), now - cached.loadedAt < configuration.catalogTTL { return cached.catalog }
        let catalog = FilterCatalog(try await store.filters.list(tenant: tenant))
        catalogs.withLock { $0[tenant] = (catalog, now) }
        return catalog
    }

    /// Forgets cached state after `tenant`'s filter `filterID` changed.
    public func filterChanged(tenant: String, filterID: String) {
        catalogs.withLock { _ = $0.removeValue(forKey: tenant) }
        cache.invalidate(tenant: tenant, filterID: filterID)
        audienceChanged(tenant: tenant)
    }

    /// Notes that one of `tenant`'s saved audiences changed (its pricing memberships are stale).
    public func audienceChanged(tenant: String) {
        changedAudienceTenants.withLock { _ = $0.insert(tenant) }
    }

    func takeChangedAudienceTenants() -> Set<String> {
        changedAudienceTenants.withLock { changed in
            defer { changed = [] }
            return changed
        }
    }

    /// Resolves and evaluates `definition` for `tenant` (issue paths under `basePath`).
    public func evaluate(tenant: String, definition: AudienceDefinition, basePath: String = "/definition") async throws -> AudienceResult {
        let catalog = try await catalog(tenant: tenant)
        let audience = try catalog.resolve(definition, limits: configuration.limits, basePath: basePath)
        let source = try await sources.source(tenant: tenant)
        return try await engine.evaluate(tenant: tenant, audience: audience, source: source)
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
