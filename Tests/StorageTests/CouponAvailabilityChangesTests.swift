import Foundation
import Pricing
import Rules
import Storage
import TestSupport
import Testing

/// The availability refresh reads only codes whose exhaustion changed since its last read: every
/// way a code runs out or gets a use back must show, and nothing older must.
@Suite("Coupon availability changes")
struct CouponAvailabilityChangesTests {
    static func limited(_ code: String, max: Int = 1) -> CouponDefinition {
        CouponDefinition(code: code, promotionID: "p", kind: .limited, maxRedemptions: max)
    }

    static func reserve(_ store: Store, _ tenant: String, _ code: String, id: String) async throws -> ReservationResult {
        let coupon = try #require(try await store.coupons.get(tenant: tenant, code: code))
        return try await store.ledger.reserve(CouponLedgerConformanceTests.request(tenant, coupon, key: id, customer: "c-\(id)"))
    }

    @Test(arguments: Backend.allCases)
    func everyWayACodeChangesShowsAndNothingOlder(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let tenant = try await store.accounts.createTenant(name: TestDatabases.uniqueName("avail")).id
            let other = try await store.accounts.createTenant(name: TestDatabases.uniqueName("avail")).id
            for code in ["A", "B", "C", "D", "OLD"] { try await store.coupons.create(tenant: tenant, coupon: Self.limited(code)) }
            try await store.coupons.create(tenant: other, coupon: Self.limited("A"))
            #expect(try await Self.reserve(store, tenant, "OLD", id: "old").outcome == .reserved)
            let start = try await store.coupons.availabilityWatermark()

            let a = try await Self.reserve(store, tenant, "A", id: "a")  // runs out
            #expect(a.outcome == .reserved)
            let b = try await Self.reserve(store, tenant, "B", id: "b")
            #expect(b.outcome == .reserved)
            #expect(try await store.ledger.cancel(tenant: tenant, id: b.redemption.id, now: .now) != nil)  // out, then a use back
            _ = try await store.database.query("UPDATE coupon_usage SET max_redemptions = 0 WHERE tenant_id = $1 AND code = 'C'",
                                               [.text(tenant)])  // plain SQL
            #expect(try await store.coupons.delete(tenant: tenant, code: "OLD"))
            try await store.coupons.create(tenant: tenant, coupon: Self.limited("OLD", max: 5))  // created again with more uses
            try await store.coupons.create(tenant: tenant, coupon: Self.limited("NEW"))  // fresh: no change
            try await store.coupons.create(tenant: tenant, coupon: Self.limited("ZERO", max: 0))  // used up from the start
            _ = try await Self.reserve(store, other, "A", id: "other")  // another tenant's

            #expect(try await store.coupons.exhaustedCodes(tenant: tenant) == ["A", "C", "ZERO"])
            let changes = try await store.coupons.exhaustionChanges(tenant: tenant, since: start, codes: [])
            #expect(changes == ["A": true, "B": false, "C": true, "OLD": false, "ZERO": true])

            // Nothing changed since: only the codes asked for come back (the ones that exist).
            let later = try await store.coupons.availabilityWatermark()
            #expect(try await store.coupons.exhaustionChanges(tenant: tenant, since: later, codes: []).isEmpty)
            #expect(try await store.coupons.exhaustionChanges(tenant: tenant, since: later, codes: ["D", "C", "NONE"]) == ["D": false, "C": true])
            // A use taken that leaves uses over changes nothing.
            #expect(try await Self.reserve(store, tenant, "OLD", id: "old2").outcome == .reserved)
            #expect(try await store.coupons.exhaustionChanges(tenant: tenant, since: later, codes: []).isEmpty)
        }
    }

    /// Runs `body` while another transaction that ran `statement` stays open, and commits it after.
    static func whileOpen(_ store: Store, _ statement: String, _ binds: [SQLValue], _ body: () async throws -> Void) async throws {
        let ran = AsyncStream<Void>.makeStream()
        let commit = AsyncStream<Void>.makeStream()
        let open = Task {
            try await store.database.transaction { executor in
                _ = try await executor.query(statement, binds)
                ran.continuation.yield()
                for await _ in commit.stream { break }
            }
        }
        for await _ in ran.stream { break }
        do {
            try await body()
        } catch {
            commit.continuation.yield()
            try await open.value
            throw error
        }
        commit.continuation.yield()
        try await open.value
    }

    /// Transaction ids are taken in start order but commit in any: a change made by a transaction
    /// that was running when the watermark was taken, committed after, must show from it.
    @Test func aChangeCommittedAfterTheWatermarkByAnEarlierTransactionShows() async throws {
        try await TestDatabases.withStore(.postgres) { store in
            let tenant = try await store.accounts.createTenant(name: TestDatabases.uniqueName("avail")).id
            try await store.coupons.create(tenant: tenant, coupon: Self.limited("SLOW"))
            var watermark = AvailabilityWatermark(next: 0)
            try await Self.whileOpen(store, "UPDATE coupon_usage SET redeemed = 1 WHERE tenant_id = $1 AND code = 'SLOW'", [.text(tenant)]) {
                _ = try await store.database.query("SELECT txid_current()", [])  // a later transaction commits first
                watermark = try await store.coupons.availabilityWatermark()
                #expect(try await store.coupons.exhaustionChanges(tenant: tenant, since: watermark, codes: []).isEmpty, "uncommitted")
            }
            #expect(try await store.coupons.exhaustionChanges(tenant: tenant, since: watermark, codes: []) == ["SLOW": true])
        }
    }

    /// A transaction left open (an idle psql session after an UPDATE) must not hold every later
    /// read back to it: reading from the oldest running transaction re-read every change since.
    @Test func anIdleTransactionDoesNotHoldReadsBack() async throws {
        try await TestDatabases.withStore(.postgres) { store in
            let tenant = try await store.accounts.createTenant(name: TestDatabases.uniqueName("avail")).id
            try await store.coupons.create(tenant: tenant, coupon: Self.limited("EARLY"))
            try await Self.whileOpen(store, "SELECT txid_current()", []) {  // holds a transaction id
                _ = try await store.database.query("UPDATE coupon_usage SET redeemed = 1 WHERE tenant_id = $1 AND code = 'EARLY'", [.text(tenant)])
                let watermark = try await store.coupons.availabilityWatermark()
                #expect(try await store.coupons.exhaustionChanges(tenant: tenant, since: watermark, codes: []).isEmpty, "read again")
            }
        }
    }
}
