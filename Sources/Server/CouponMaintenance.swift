import Logging
import Metrics
import Pricing
import Rules
import ServiceLifecycle
import Storage
import Synchronization

/// Background coupon work: releases reservations whose TTL passed, refreshes which limited
/// coupons are exhausted (what pricing reports as `exhausted` without touching the database),
/// and fails code batches left `running` by an instance that stopped.
public final class CouponMaintenance: Service {
    let ledger: any CouponLedger
    let batches: SQLCouponBatchStore?
    let catalog: PromotionCatalog
    let sweepInterval: Duration
    let availabilityInterval: Duration
    let logger: Logger
    let expiredCounter = Counter(label: "marquee_redemptions_expired_total")

    /// A batch without progress for this long is taken as interrupted.
    static let batchStaleAfter = Duration.seconds(300)
    /// Rejected reservation attempts are kept this long (a retry within it still replays).
    static let rejectedRetention = Duration.seconds(7 * 86_400)
    /// When rejected attempts were last deleted (hourly is enough).
    let lastRetention = Mutex<ContinuousClock.Instant?>(nil)

    public init(ledger: any CouponLedger, batches: SQLCouponBatchStore? = nil, catalog: PromotionCatalog, sweepInterval: Duration,
                availabilityInterval: Duration, logger: Logger)
    {
        self.ledger = ledger
        self.batches = batches
        self.catalog = catalog
        self.sweepInterval = sweepInterval
        self.availabilityInterval = availabilityInterval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.every(self.sweepInterval) { try await self.sweep() } }
                group.addTask { await self.every(self.availabilityInterval) { try await self.refreshAvailability() } }
            }
        }
    }

    /// Releases every expired reservation, in batches; fails interrupted code batches.
    public func sweep() async throws {
        while true {
            let released = try await ledger.releaseExpired(now: .now, limit: 500)
            expiredCounter.increment(by: released)
            if released < 500 { break }
        }
        if let batches, try await batches.failInterrupted(staleAfter: Self.batchStaleAfter) > 0 {
            logger.warning("coupon batches interrupted by a stopped instance marked failed")
        }
        try await deleteOldRejectedAttempts()
    }

    /// At most 10,000 rows a sweep (a first deploy may find a large backlog; releasing expired
    /// reservations must not wait behind it); then resting for an hour once the backlog is gone.
    func deleteOldRejectedAttempts() async throws {
        let now = ContinuousClock.now
        if lastRetention.withLock({ $0.map { now - $0 < .seconds(3600) } ?? false }) { return }
        let before = RuleDateTime(RuleDateTime.now.date.addingTimeInterval(-Double(Self.rejectedRetention.components.seconds)))
        for _ in 0..<10 {
            if try await ledger.deleteRejected(before: before, limit: 1000) < 1000 {
                lastRetention.withLock { $0 = now }
                return
            }
        }
    }

    /// Each tenant on its own: one whose read fails must not leave the others' availability stale.
    func refreshAvailability() async throws {
        for tenant in catalog.tenantsWithLimitedCoupons {
            do {
                let read = try await catalog.refreshAvailability(tenant: tenant)
                Counter(label: "marquee_coupon_availability_reads_total", dimensions: [("kind", read.rawValue)]).increment()
            } catch {
                if Task.isCancelled { throw error }
                logger.warning("coupon availability refresh failed; will retry", metadata: ["tenant": "\(tenant)", "error": "\(error)"])
            }
        }
    }

    func every(_ interval: Duration, _ work: @Sendable () async throws -> Void) async {
        while !Task.isCancelled {
            do {
                try await work()
            } catch {
                if !Task.isCancelled { logger.warning("coupon maintenance failed; will retry", metadata: ["error": "\(error)"]) }
            }
            try? await Task.sleep(for: interval)
        }
    }
}
