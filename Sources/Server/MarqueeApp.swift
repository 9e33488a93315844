import HTTPTypes
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Storage

/// Builds the HTTP application: middleware, routes, and the services it runs with.
public enum MarqueeApp {
    /// The router with every route; also used by the test that checks routes against openapi.yaml.
    public static func router(
        store: Store, configuration: ServerConfiguration, readiness: Readiness,
        catalog: PromotionCatalog? = nil, follower: ChangeFollower? = nil, audiences: AudienceService? = nil,
        memberships: AudienceMemberships? = nil, stopTrace: StopTrace? = nil
    ) -> Router<MarqueeRequestContext> {
        Telemetry.bootstrap()
        let catalog = catalog ?? PromotionCatalog(promotions: store.promotions, coupons: store.coupons)
        let body = RequestBody(limit: configuration.bodyLimit)
        let keys = KeyCache(accounts: store.accounts, ttl: configuration.keyCacheTTL, outageGrace: configuration.keyOutageGrace)

        let router = Router(context: MarqueeRequestContext.self)
        if let stopTrace { router.add(middleware: InFlightTraceMiddleware(trace: stopTrace)) }
        router.add(middleware: RequestLoggingMiddleware())
        router.add(middleware: HTTPMetricsMiddleware())
        router.add(middleware: ErrorMiddleware())
        OperationsController(store: store, readiness: readiness, databaseProbe: DatabaseProbe(ping: store.ping)).addRoutes(to: router)

        let v1 = router.group("v1").add(middleware: StartingGate(readiness: readiness)).add(middleware: QueryTextGuard())
            .add(middleware: AuthMiddleware(keys: keys))
        AccountsController(accounts: store.accounts, keys: keys, body: body).addRoutes(to: v1)
        RulesController(body: body).addRoutes(to: v1)
        PromotionsController(repository: store.promotions, catalog: catalog, body: body).addRoutes(to: v1)
        StatusController(catalog: catalog, follower: follower).addRoutes(to: v1)
        let runner = CouponBatchRunner(coupons: store.coupons, batches: store.couponBatches, catalog: catalog, logger: store.logger)
        CouponsController(store: store, catalog: catalog, runner: runner, body: body).addRoutes(to: v1)
        RedemptionsController(ledger: store.ledger, catalog: catalog, body: body, reservationTTL: configuration.reservationTTL).addRoutes(to: v1)
        let audiences = audiences ?? AudienceService(store: store, configuration: configuration.audiences, logger: store.logger)
        let memberships = memberships ?? AudienceMemberships(service: audiences, catalog: catalog, logger: store.logger)
        PricingController(catalog: catalog, memberships: memberships, body: body).addRoutes(to: v1)
        FiltersController(service: audiences, body: body).addRoutes(to: v1)
        AudiencesController(service: audiences, body: body).addRoutes(to: v1)
        AudienceMembersController(service: audiences).addRoutes(to: v1)
        return router
    }

    /// The application: HTTP server plus the store's background work, migrating before it listens.
    public static func build(
        store: Store,
        configuration: ServerConfiguration,
        logger: Logger,
        stopTrace: StopTrace? = nil,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let readiness = Readiness(pending: ["migrations", "promotions", "audiences", "memberships"])
        let audiences = AudienceService(store: store, configuration: configuration.audiences, readiness: readiness, logger: logger)
        let catalog = PromotionCatalog(promotions: store.promotions, coupons: store.coupons)
        let memberships = AudienceMemberships(service: audiences, catalog: catalog, readiness: readiness, logger: logger)
        let follower = ChangeFollower(
            changeLog: ChangeLog(database: store.database), accounts: store.accounts, catalog: catalog,
            listener: listener(store: store, configuration: configuration, logger: logger),
            pollInterval: configuration.pollInterval, readiness: readiness, logger: logger)
        let services: [any Service] = [store, follower, CouponMaintenance(
            ledger: store.ledger, batches: store.couponBatches, catalog: catalog, sweepInterval: configuration.sweepInterval,
            availabilityInterval: configuration.availabilityInterval, logger: logger), audiences, memberships]
        var app = Application(
            router: router(store: store, configuration: configuration, readiness: readiness, catalog: catalog, follower: follower,
                           audiences: audiences, memberships: memberships, stopTrace: stopTrace),
            server: .http1(configuration: .init(idleTimeout: .nanoseconds(Int64(configuration.idleTimeout.components.seconds) * 1_000_000_000))),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "marquee"),
            services: services.map { service in stopTrace?.wrap(service) ?? service },
            onServerRunning: onServerRunning,
            logger: logger
        )
        app.beforeServerStarts {
            await store.waitUntilRunning()  // the store is a service started alongside the server
            try await store.migrate()
            readiness.markDone("migrations")
            // The follower loads the promotions meanwhile; `/v1` answers 503 until they are in
            // memory (StartingGate), `/livez` answers at once.
        }
        return app
    }

    /// Runs `app` until SIGTERM or SIGINT, then stops it gracefully (the HTTP server drains
    /// first, the store last). A graceful stop still running after `gracefulShutdownLimit` is
    /// escalated to cancellation, which every Marquee service answers promptly (a hung stop was
    /// otherwise unbounded). Should something still not end `cancellationLimit` later, the
    /// process ends with a crash report naming what was stuck (ServiceLifecycle's fatalError):
    /// a bounded stop matters more to a deploy than a clean exit code.
    public static func runUntilSignalled(_ app: some ApplicationProtocol, gracefulShutdownLimit: Duration,
                                         cancellationLimit: Duration = .seconds(15), logger: Logger) async throws
    {
        var configuration = ServiceGroupConfiguration(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = gracefulShutdownLimit
        configuration.maximumCancellationDuration = cancellationLimit
        // Backstop for a group that hangs in its own shutdown (see ExitWatchdog).
        ExitWatchdog.armOnSignals(limit: gracefulShutdownLimit + cancellationLimit + .seconds(15))
        try await ServiceGroup(configuration: configuration).run()
    }

    /// LISTEN wake-ups for PostgreSQL in `listen` mode; nil means poll only.
    static func listener(store: Store, configuration: ServerConfiguration, logger: Logger) -> ChangeListener? {
        guard configuration.changeFeed == .listen, case .postgres(let settings) = store.configuration else { return nil }
        let name = "marquee-listener-\(ProcessInfo.processInfo.processIdentifier)"
        return ChangeListener(settings: settings, applicationName: name, logger: logger)
    }
}
