import Accounts
import Audiences
import Logging
import Pricing
import ServiceLifecycle

/// Marquee's storage: one database and the repositories over it.
///
/// For PostgreSQL the connection pool must be running (`run()`, or add the store to a
/// `ServiceGroup`) before statements execute; `Store.withStore` does that for one-shot commands.
public final class Store: Service {
    public let configuration: DatabaseConfiguration
    public let database: any SQLDatabase
    public let accounts: any AccountRepository
    public let promotions: any PromotionRepository
    public let coupons: any CouponRepository
    public let ledger: any CouponLedger
    public let couponBatches: SQLCouponBatchStore
    /// Audiences: filters, saved audiences and snapshots, member source settings, cache usage.
    public let filters: any FilterRepository
    public let audiences: any AudienceRepository
    public let memberSourceSettings: SQLMemberSourceSettingsRepository
    public let filterUsage: SQLFilterUsageStore
    public let logger: Logger

    init(configuration: DatabaseConfiguration, database: any SQLDatabase, logger: Logger) {
        self.configuration = configuration
        self.database = database
        self.accounts = SQLAccountRepository(database: database)
        self.promotions = SQLPromotionRepository(database: database, logger: logger)
        self.coupons = SQLCouponRepository(database: database)
        self.ledger = SQLCouponLedger(database: database)
        self.couponBatches = SQLCouponBatchStore(database: database)
        self.filters = SQLFilterRepository(database: database)
        self.audiences = SQLAudienceRepository(database: database)
        self.memberSourceSettings = SQLMemberSourceSettingsRepository(database: database)
        self.filterUsage = SQLFilterUsageStore(database: database)
        self.logger = logger
    }

    /// Opens the database (creating the SQLite file when needed). Does not migrate.
    public static func open(_ configuration: DatabaseConfiguration, logger: Logger) async throws -> Store {
        let database: any SQLDatabase = switch configuration {
        case .sqlite(let path): try await SQLiteDatabase.open(path: path, logger: logger)
        case .postgres(let settings): PostgresDatabase(settings: settings, logger: logger)
        }
        return Store(configuration: configuration, database: database, logger: logger)
    }

    /// Opens the store, runs it for the duration of `body`, then closes it.
    public static func withStore<T: Sendable>(
        _ configuration: DatabaseConfiguration, logger: Logger, migrate: Bool = true,
        _ body: @Sendable (Store) async throws -> T
    ) async throws -> T {
        let store = try await open(configuration, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await store.database.run() }
            await store.waitUntilRunning()
            do {
                if migrate { try await store.migrate() }
                let result = try await body(store)
                group.cancelAll()
                await store.database.close()
                return result
            } catch {
                group.cancelAll()
                await store.database.close()
                throw error
            }
        }
    }

    /// Returns once `run()` has started the PostgreSQL pool (at once on SQLite), so the first
    /// statement does not race it.
    public func waitUntilRunning() async {
        if let postgres = database as? PostgresDatabase { await postgres.waitUntilRunning() }
    }

    /// Applies pending schema migrations.
    @discardableResult
    public func migrate() async throws -> [Int] {
        try await Migrator(database: database, logger: logger).migrate()
    }

    /// Whether the database answers.
    public func ping() async throws {
        try await database.query("SELECT 1 AS ok", [])
    }

    /// Runs the backend's background work until graceful shutdown.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await self.database.run()
        }
        await database.close()
    }
}
