import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Storage

/// Builds the HTTP application: middleware, routes, and the services it runs with.
public enum MarqueeApp {
    /// The router with every route; also used by the test that checks routes against openapi.yaml.
    public static func router(
        store: Store, configuration: ServerConfiguration, readiness: Readiness, catalog: PromotionCatalog? = nil
    ) -> Router<MarqueeRequestContext> {
        Telemetry.bootstrap()
        let catalog = catalog ?? PromotionCatalog(repository: store.promotions)
        let body = RequestBody(limit: configuration.bodyLimit)
        let keys = KeyCache(accounts: store.accounts, ttl: configuration.keyCacheTTL)

        let router = Router(context: MarqueeRequestContext.self)
        router.add(middleware: RequestLoggingMiddleware())
        router.add(middleware: HTTPMetricsMiddleware())
        router.add(middleware: ErrorMiddleware())
        OperationsController(store: store, readiness: readiness).addRoutes(to: router)

        let v1 = router.group("v1").add(middleware: AuthMiddleware(keys: keys))
        AccountsController(accounts: store.accounts, keys: keys, body: body).addRoutes(to: v1)
        RulesController(body: body).addRoutes(to: v1)
        PromotionsController(repository: store.promotions, catalog: catalog, body: body).addRoutes(to: v1)
        PricingController(catalog: catalog, body: body).addRoutes(to: v1)
        return router
    }

    /// The application: HTTP server plus the store's background work, migrating before it listens.
    public static func build(
        store: Store,
        configuration: ServerConfiguration,
        logger: Logger,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let readiness = Readiness(pending: ["migrations", "promotions"])
        let catalog = PromotionCatalog(repository: store.promotions)
        var app = Application(
            router: router(store: store, configuration: configuration, readiness: readiness, catalog: catalog),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "marquee"),
            services: [store],
            onServerRunning: onServerRunning,
            logger: logger
        )
        app.beforeServerStarts {
            try await store.migrate()
            readiness.markDone("migrations")
            for tenant in try await store.accounts.listTenants() {
                try await catalog.reload(tenant: tenant.id)
            }
            readiness.markDone("promotions")
        }
        return app
    }
}
