import Pricing
import Server
import Storage
import TestSupport
import Testing

/// Availability changes apply in place: a code running out must not rebuild the tenant's
/// snapshot (with a million single-use codes each rebuild stalled the server for seconds).
@Suite("Promotion catalog")
struct PromotionCatalogTests {
    @Test func anExhaustedCodeIsAppliedWithoutARebuildAndSurvivesLaterOnes() async throws {
        try await TestDatabases.withStore(.sqlite) { store in
            let tenant = try await store.accounts.createTenant(name: TestDatabases.uniqueName("catalog")).id
            let promotion = try Promotion(parsing: ["id": "p", "name": "P", "action": ["type": "percentOff", "percent": "10"]])
            _ = try await store.promotions.create(tenant: tenant, promotion: promotion)
            try await store.coupons.create(tenant: tenant, coupon: CouponDefinition(code: "ONE", promotionID: "p", kind: .limited, maxRedemptions: 1))
            let catalog = PromotionCatalog(promotions: store.promotions, coupons: store.coupons)
            try await catalog.reload(tenant: tenant)
            let before = catalog.snapshot(tenant: tenant)
            #expect(before.coupon(code: "one")?.isAvailable == true)
            let digest = await catalog.digest(tenant: tenant)

            catalog.markExhausted(tenant: tenant, code: "ONE")
            let after = catalog.snapshot(tenant: tenant)
            #expect(after === before, "marking a code exhausted rebuilt the snapshot")
            #expect(after.coupon(code: "one")?.isAvailable == false)
            #expect(await catalog.digest(tenant: tenant) == digest, "availability is not part of the digest")

            let second = try Promotion(parsing: ["id": "q", "name": "Q", "action": ["type": "percentOff", "percent": "5"]])
            _ = try await store.promotions.create(tenant: tenant, promotion: second)
            try await catalog.reloadPromotions(tenant: tenant)
            let rebuilt = catalog.snapshot(tenant: tenant)
            #expect(rebuilt !== before)
            #expect(rebuilt.activePromotions.count == 2)
            #expect(rebuilt.coupon(code: "one")?.isAvailable == false, "a promotion change forgot the exhausted code")
            #expect(await catalog.digest(tenant: tenant) != digest)

            // The database is the truth: nothing was redeemed, so a refresh makes it available again.
            try await catalog.refreshAvailability(tenant: tenant)
            #expect(catalog.snapshot(tenant: tenant) === rebuilt)
            #expect(rebuilt.coupon(code: "one")?.isAvailable == true)
        }
    }
}
