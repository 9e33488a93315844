import Accounts
import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Storage
import Synchronization

/// Keeps this instance's promotion snapshots in step with the database, whoever wrote it
/// (this instance, another one, or plain SQL).
///
/// Start-up: take the change-log watermark, then load every tenant, then apply every change
/// after the watermark — a change committed during the load is applied again, never lost.
/// Afterwards each wake-up (a PostgreSQL NOTIFY, or the periodic poll that backs it up) catches
/// up by version. Failures back off (100 ms → 10 s) while pricing keeps the last snapshots.
public final class ChangeFollower: Service {
    public struct Status: Sendable {
        public var version: Int64 = 0
        public var lastSync: Date?
        public var lastChangeAt: Date?
    }

    let changeLog: ChangeLog
    let accounts: any AccountRepository
    let catalog: PromotionCatalog
    let listener: ChangeListener?
    let pollInterval: Duration
    let readiness: Readiness
    let logger: Logger
    let state = Mutex(Status())

    let versionGauge = Gauge(label: "marquee_change_feed_version")
    let lagGauge = Gauge(label: "marquee_change_feed_lag_seconds")
    /// Unix time of the last successful catch-up: `time() - this` is how stale the instance may
    /// be (the lag gauge only moves when a change is applied, so it cannot show a stuck follower).
    let lastSyncGauge = Gauge(label: "marquee_change_feed_last_sync_timestamp_seconds")
    let appliedCounter = Counter(label: "marquee_change_feed_changes_applied_total")
    let reconnectCounter = Counter(label: "marquee_change_feed_reconnects_total")

    public init(changeLog: ChangeLog, accounts: any AccountRepository, catalog: PromotionCatalog,
                listener: ChangeListener?, pollInterval: Duration, readiness: Readiness, logger: Logger) {
        self.changeLog = changeLog
        self.accounts = accounts
        self.catalog = catalog
        self.listener = listener
        self.pollInterval = pollInterval
        self.readiness = readiness
        self.logger = logger
    }

    public var status: Status { state.withLock { $0 } }

    public func run() async throws {
        await readiness.waitUntilDone("migrations")
        await cancelWhenGracefulShutdown {
            await self.follow()
        }
    }

    func follow() async {
        var backoff = Backoff()
        while !Task.isCancelled {
            do {
                try await initialLoad()
                break
            } catch {
                logger.error("initial promotion load failed; retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: backoff.next())
            }
        }
        readiness.markDone("promotions")

        let (wakeups, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        await withDiscardingTaskGroup { group in
            if let listener {
                group.addTask {
                    await listener.run(wake: { wake.yield() }, reconnected: { self.reconnectCounter.increment() })
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: self.pollInterval)
                    wake.yield()
                }
            }
            backoff.reset()
            for await _ in wakeups {
                if Task.isCancelled { break }
                do {
                    try await catchUp()
                    backoff.reset()
                } catch {
                    logger.warning("change catch-up failed; retrying", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: backoff.next())
                    wake.yield()
                }
            }
            group.cancelAll()
        }
    }

    /// Watermark first, then the load: see the type's documentation.
    func initialLoad() async throws {
        let watermark = try await changeLog.currentVersion()
        for tenant in try await accounts.listTenants() {
            try await catalog.reload(tenant: tenant.id)
        }
        state.withLock {
            $0.version = watermark
            $0.lastSync = Date()
        }
        versionGauge.record(watermark)
        try await catchUp()
    }

    /// Applies every change after the current version: reloads each changed tenant's promotions
    /// or coupons once (only the changed codes, when the log names them), then advances the version.
    func catchUp() async throws {
        let version = state.withLock { $0.version }
        if let summary = try await changeLog.summary(after: version) {
            for tenant in summary.promotionTenants.sorted() {
                try await catalog.reloadPromotions(tenant: tenant)
            }
            for tenant in summary.couponTenants.sorted() {
                try await catalog.reloadCoupons(tenant: tenant)
            }
            for (tenant, codes) in summary.couponCodes.sorted(by: { $0.key < $1.key }) {
                try await catalog.reloadCoupons(tenant: tenant, codes: codes)
            }
            state.withLock {
                $0.version = summary.lastVersion
                $0.lastChangeAt = summary.lastChangedAt
            }
            versionGauge.record(summary.lastVersion)
            if let changedAt = summary.lastChangedAt {
                lagGauge.record(max(0, Date().timeIntervalSince(changedAt)))
            }
            appliedCounter.increment(by: summary.count)
        }
        let now = Date()
        state.withLock { $0.lastSync = now }
        lastSyncGauge.record(now.timeIntervalSince1970)
    }
}
