@testable import Pricing
@testable import Server
import Rules
import Storage
import TestSupport
import Testing

/// The 2-second availability refresh applies only the changes since its last read; after any mix
/// of reservations, cancels, confirmations, plain-SQL edits and codes created again it must hold
/// what a full read gives.
@Suite("Availability refresh")
struct AvailabilityRefreshTests {
    static func exhausted(_ catalog: PromotionCatalog, _ tenant: String, among codes: [String]) -> Set<String> {
        let availability = catalog.entries.withLock { $0[tenant]?.availability }
        return availability?.state.withLock { state in state.exhausted.filter(codes.contains) } ?? []
    }

    @Test(arguments: Backend.allCases)
    func readingTheChangesAgreesWithAFullRead(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let tenant = try await PromotionCatalogTests.tenantWithPromotion(store)
            let codes = (0..<10).map { "C\($0)" }
            var random = SeededGenerator(state: backend == .sqlite ? 11 : 12)
            for code in codes {
                try await store.coupons.create(tenant: tenant, coupon: CouponDefinition(
                    code: code, promotionID: "p", kind: .limited, maxRedemptions: Int.random(in: 1...2, using: &random)))
            }
            let coupons = PromotionCatalogTests.HeldCoupons(store.coupons)
            let catalog = PromotionCatalog(promotions: store.promotions, coupons: coupons)
            try await catalog.reload(tenant: tenant)
            var live: [String] = []
            for round in 0..<8 {
                for step in 0..<12 {
                    let code = codes.randomElement(using: &random)!
                    switch Int.random(in: 0..<10, using: &random) {
                    case 0..<5:
                        let coupon = try #require(try await store.coupons.get(tenant: tenant, code: code))
                        let now = RuleDateTime.now
                        let result = try await store.ledger.reserve(ReservationRequest(
                            tenant: tenant, id: "r\(round)-\(step)", idempotencyKey: "\(round)-\(step)", requestHash: "h", coupon: coupon,
                            customer: "c\(step)", order: nil, cartTotal: nil, expiresAt: RuleDateTime(now.date.addingTimeInterval(600)), now: now))
                        if result.outcome == .reserved { live.append(result.redemption.id) }
                        if result.outcome == .exhausted { catalog.markExhausted(tenant: tenant, code: code) }  // as checkout does
                    case 5, 6:
                        guard let id = live.popLast() else { continue }
                        _ = try await (Bool.random(using: &random) ? store.ledger.cancel : store.ledger.confirm)(tenant, id, .now)
                    case 7, 8:
                        _ = try await store.database.query("UPDATE coupon_usage SET max_redemptions = $1 WHERE tenant_id = $2 AND code = $3",
                                                           [.int(Int.random(in: 0...3, using: &random)), .text(tenant), .text(code)])
                    default:
                        #expect(try await store.coupons.delete(tenant: tenant, code: code))
                        try await store.coupons.create(tenant: tenant, coupon: CouponDefinition(
                            code: code, promotionID: "p", kind: .limited, maxRedemptions: Int.random(in: 1...3, using: &random)))
                    }
                }
                try await catalog.refreshAvailability(tenant: tenant, fullReadAfter: .seconds(3600))
                let full = PromotionCatalog(promotions: store.promotions, coupons: store.coupons)
                try await full.reload(tenant: tenant)
                #expect(Self.exhausted(catalog, tenant, among: codes) == Self.exhausted(full, tenant, among: codes), "round \(round)")
            }
            #expect(coupons.fullAvailabilityReads.withLock { $0 } == 1, "refreshes read every exhausted code")
            try await catalog.refreshAvailability(tenant: tenant, fullReadAfter: .zero)
            #expect(coupons.fullAvailabilityReads.withLock { $0 } == 2, "no full read once it was due")
        }
    }

    /// A code that runs out while a refresh is between taking its watermark and installing its
    /// read is found by the next refresh (the watermark is taken before the read).
    @Test(arguments: Backend.allCases)
    func aChangeDuringARefreshIsReadByTheNext(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let tenant = try await PromotionCatalogTests.tenantWithPromotion(store)
            try await store.coupons.create(tenant: tenant, coupon: CouponDefinition(code: "X", promotionID: "p", kind: .limited, maxRedemptions: 1))
            let coupons = PromotionCatalogTests.HeldCoupons(store.coupons)
            let catalog = PromotionCatalog(promotions: store.promotions, coupons: coupons)
            try await catalog.reload(tenant: tenant)
            coupons.holding.withLock { $0 = true }
            let refresh = Task { try await catalog.refreshAvailability(tenant: tenant, fullReadAfter: .seconds(3600)) }
            #expect(await yieldUntil { coupons.isWaiting }, "waited until it has read no change")
            _ = try await store.database.query("UPDATE coupon_usage SET redeemed = 1 WHERE tenant_id = $1 AND code = 'X'", [.text(tenant)])
            coupons.release()
            #expect(try await refresh.value == .changes)
            #expect(catalog.snapshot(tenant: tenant).coupon(code: "X")?.isAvailable == true, "read before the change")
            #expect(try await catalog.refreshAvailability(tenant: tenant, fullReadAfter: .seconds(3600)) == .changes)
            #expect(catalog.snapshot(tenant: tenant).coupon(code: "X")?.isAvailable == false, "the next refresh missed it")
        }
    }
}
