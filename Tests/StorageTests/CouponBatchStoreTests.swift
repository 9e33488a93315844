import Foundation
import Pricing
import Storage
import TestSupport
import Testing

/// Code batches whose instance stopped mid-way (found by review: they stayed `running` forever,
/// counting none of the codes already created).
@Suite("Coupon batch store")
struct CouponBatchStoreTests {
    @Test(arguments: Backend.allCases)
    func interruptedBatchesFailWithTheCodesTheyCreated(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let tenant = try await store.accounts.createTenant(name: TestDatabases.uniqueName("batch")).id
            let id = "batch-" + TestDatabases.uniqueName("b")
            try await store.couponBatches.create(tenant: tenant, id: id, request: #"{"count": 10}"#, requested: 10)
            let codes = (1...3).map { CouponDefinition(code: "\(id)-\($0)".uppercased(), promotionID: "p", kind: .unlimited, batchID: id) }
            #expect(try await store.coupons.createMany(tenant: tenant, coupons: codes) == 3)

            try await store.couponBatches.failInterrupted(staleAfter: .seconds(300))
            #expect(try await store.couponBatches.get(tenant: tenant, id: id)?.status == "running", "recent progress: still running")

            try await store.couponBatches.failInterrupted(staleAfter: .seconds(300), now: Date().addingTimeInterval(600))
            let record = try #require(try await store.couponBatches.get(tenant: tenant, id: id))
            #expect(record.status == "failed" && record.created == 3, "\(record)")
            #expect(record.error?.hasPrefix("interrupted") == true)

            // A runner that fails counts what was committed, not what it had counted so far.
            try await store.couponBatches.progress(tenant: tenant, id: id, created: nil, status: "failed", error: "boom")
            #expect(try await store.couponBatches.get(tenant: tenant, id: id)?.created == 3)
        }
    }
}
