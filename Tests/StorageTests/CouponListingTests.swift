import Foundation
import Pricing
import Rules
import Storage
import TestSupport
import Testing

/// `list` and `exhaustedCodes` read codes joined into one value per group of shared columns
/// (a million rows one by one took seconds and gigabytes): every coupon must come back exactly,
/// whatever it shares with others, a code holding a newline included, and no other tenant's.
@Suite("Coupon listing")
struct CouponListingTests {
    @Test(arguments: Backend.allCases)
    func everyCouponComesBackExactly(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let tenant = try await store.accounts.createTenant(name: TestDatabases.uniqueName("listing")).id
            let other = try await store.accounts.createTenant(name: TestDatabases.uniqueName("listing")).id
            let starts = RuleDateTime(rfc3339: "2026-01-01T00:00:00Z")
            var coupons = (1...500).map { CouponDefinition(code: "B-\($0)", promotionID: "p", kind: .limited, maxRedemptions: 1, batchID: "b1") }
            coupons += [
                CouponDefinition(code: "SOLO", promotionID: "p", kind: .unlimited),
                CouponDefinition(code: "MINE", promotionID: "q", kind: .limited, maxRedemptions: 2, perCustomer: 1, customerID: "42", startsAt: starts),
                CouponDefinition(code: "LINE\nBREAK", promotionID: "p", kind: .limited, maxRedemptions: 1),  // only plain SQL can write one
                CouponDefinition(code: "B-1-TWIN", promotionID: "p", kind: .limited, maxRedemptions: 1, batchID: "b1"),
            ]
            #expect(try await store.coupons.createMany(tenant: tenant, coupons: coupons) == coupons.count)
            _ = try await store.coupons.createMany(tenant: other, coupons: [CouponDefinition(code: "B-1", promotionID: "z", kind: .limited, maxRedemptions: 1)])

            // Plain SQL can also write codes the API would normalise: one ending in "\r" (a CSV with
            // Windows line endings) swallowed the next code of its group. Such codes are left out
            // (redemptions look codes up exactly, so pricing them would offer what checkout refuses);
            // a canonical code written by plain SQL is listed.
            for code in ["X-1\r", "X-2\r", "lower ", "PLAIN-OK"] {
                _ = try await store.database.query("""
                    INSERT INTO coupons (tenant_id, code, promotion_id, kind, max_redemptions, batch_id, created_at)
                    VALUES ($1, $2, 'p', 'limited', 1, 'b1', $3)
                    """, [.text(tenant), .text(code), .date(Date())])
                _ = try await store.database.query("INSERT INTO coupon_usage (tenant_id, code, redeemed, max_redemptions) VALUES ($1, $2, 0, 1)",
                                                   [.text(tenant), .text(code)])
            }
            coupons += ["PLAIN-OK"].map { CouponDefinition(code: $0, promotionID: "p", kind: .limited, maxRedemptions: 1, batchID: "b1") }

            let listed = try await store.coupons.list(tenant: tenant)
            #expect(listed.count == coupons.count)
            #expect(Set(listed) == Set(coupons))

            #expect(try await store.coupons.exhaustedCodes(tenant: tenant).isEmpty)
            for code in ["B-7", "LINE\nBREAK", "MINE", "X-1\r", "PLAIN-OK"] {
                _ = try await store.database.query("UPDATE coupon_usage SET redeemed = max_redemptions WHERE tenant_id = $1 AND code = $2",
                                                   [.text(tenant), .text(code)])
            }
            _ = try await store.database.query("UPDATE coupon_usage SET redeemed = max_redemptions WHERE tenant_id = $1", [.text(other)])
            #expect(try await store.coupons.exhaustedCodes(tenant: tenant) == ["B-7", "LINE\nBREAK", "MINE", "X-1\r", "PLAIN-OK"])

            // The listed plain-SQL code is reservable like any other; one left out is unknown to pricing.
            let plain = try #require(listed.first { $0.code == "PLAIN-OK" })
            _ = try await store.database.query("UPDATE coupon_usage SET redeemed = 0 WHERE tenant_id = $1 AND code = 'PLAIN-OK'", [.text(tenant)])
            let reserved = try await store.ledger.reserve(CouponLedgerConformanceTests.request(tenant, plain, key: "k1", customer: "c1"))
            #expect(reserved.outcome == .reserved)
            #expect(!listed.contains { $0.code == "LOWER" || $0.code == "X-1" })
        }
    }

    /// `page` (GET /v1/coupons and the batch CSV export) pages by stored code. Codes plain SQL
    /// stored in another form came back normalised, which sorts before the stored form, so the
    /// next page began with the same code again and the export never ended (found by review).
    @Test(arguments: Backend.allCases)
    func pagingEndsOverCodesStoredInAnotherForm(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let tenant = try await store.accounts.createTenant(name: TestDatabases.uniqueName("paging")).id
            let stored = ["A-1", "lower ", "b-2", "Z-9", "x "]
            for code in stored {
                _ = try await store.database.query("""
                    INSERT INTO coupons (tenant_id, code, promotion_id, kind, max_redemptions, batch_id, created_at)
                    VALUES ($1, $2, 'p', 'limited', 1, 'b1', $3)
                    """, [.text(tenant), .text(code), .date(Date())])
            }
            var after: String?
            var seen: [String] = []
            for _ in 0..<10 {  // the controller's `next`, two at a time
                let page = try await store.coupons.page(tenant: tenant, after: after, batch: "b1", limit: 2)
                seen += page.map(\.code)
                guard page.count == 2, let last = page.last else { break }
                after = last.code
            }
            #expect(seen.sorted() == stored.sorted(), "pages: \(seen)")
        }
    }
}
