import Foundation
import Pricing
import Rules
import Storage
import TestSupport
import Synchronization
import Testing

@Suite("Change log")
struct ChangeLogConformanceTests {
    static func promotion(_ id: String, percent: String = "10") throws -> Promotion {
        try Promotion(parsing: ["id": .string(id), "name": .string(id), "action": ["type": "percentOff", "percent": .string(percent)]])
    }

    @Test(arguments: Backend.allCases)
    func everyWriteAppendsAChangeInOrder(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let tenant = try await store.accounts.createTenant(name: TestDatabases.uniqueName())
            let log = ChangeLog(database: store.database)
            let before = try await log.currentVersion()
            _ = try await store.promotions.create(tenant: tenant.id, promotion: try Self.promotion("a"))
            let other = try await store.accounts.createTenant(name: TestDatabases.uniqueName())
            _ = try await store.promotions.create(tenant: other.id, promotion: try Self.promotion("other"))  // filtered out by tenant
            _ = try await store.promotions.update(tenant: tenant.id, promotion: try Self.promotion("a", percent: "20"), expectedVersion: 1)
            try await store.promotions.delete(tenant: tenant.id, id: "a", expectedVersion: nil)
            // A change made with plain SQL, as an admin tool would.
            try await store.database.query("""
                INSERT INTO promotions (tenant_id, id, version, enabled, document, created_at, updated_at)
                VALUES ($1, 'sql', 1, $2, $3::jsonb, $4, $4)
                """, [.text(tenant.id), .bool(true), .json(try Self.promotion("sql").document.jsonText), .date(Date())])
            let changes = try await log.changes(after: before, tenant: tenant.id)
            #expect(changes.map(\.operation) == ["insert", "update", "delete", "insert"])
            #expect(changes.map(\.entityID) == ["a", "a", "a", "sql"])
            #expect(zip(changes, changes.dropFirst()).allSatisfy { $0.version < $1.version })
            #expect(try await log.currentVersion() >= changes.last!.version)
        }
    }

    /// A statement that changes one code names it, so followers re-read that code alone; a
    /// batch is one change of all codes on PostgreSQL (statement trigger) and one per code on
    /// SQLite (row trigger), and past ``ChangeSummary/maxCodeChanges`` the tenant is re-read whole.
    @Test(arguments: Backend.allCases)
    func couponChangesNameTheirCode(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let tenant = try await store.accounts.createTenant(name: TestDatabases.uniqueName()).id
            _ = try await store.promotions.create(tenant: tenant, promotion: try Self.promotion("p"))
            let log = ChangeLog(database: store.database)
            let before = try await log.currentVersion()
            try await store.coupons.create(tenant: tenant, coupon: CouponDefinition(code: "ONE", promotionID: "p", kind: .unlimited))
            #expect(try await store.coupons.delete(tenant: tenant, code: "GONE") == false)
            let one = try #require(try await log.summary(after: before))
            #expect(one.couponCodes[tenant] == ["ONE"])
            #expect(!one.couponTenants.contains(tenant))

            let afterOne = try await log.currentVersion()
            let batch = ["B1", "B2", "B3"].map { CouponDefinition(code: $0, promotionID: "p", kind: .unlimited) }
            _ = try await store.coupons.createMany(tenant: tenant, coupons: batch)
            #expect(try await store.coupons.delete(tenant: tenant, code: "ONE"))
            let batched = try #require(try await log.summary(after: afterOne))
            switch backend {
            case .postgres:
                #expect(batched.couponTenants.contains(tenant) && batched.couponCodes[tenant] == nil)
            case .sqlite:
                #expect(batched.couponCodes[tenant] == ["B1", "B2", "B3", "ONE"])
            }

            // A rename with plain SQL must make followers forget the old code too: all codes.
            let beforeRename = try await log.currentVersion()
            _ = try await store.database.query("UPDATE coupons SET code = 'B9' WHERE tenant_id = $1 AND code = 'B1'", [.text(tenant)])
            let renamed = try #require(try await log.summary(after: beforeRename))
            #expect(renamed.couponTenants.contains(tenant) && renamed.couponCodes[tenant] == nil)

            // Past the limit, all codes. SQLite only: on PostgreSQL that takes over 1,000 statements,
            // and tests reading the shared database's change log a page at a time would page past theirs.
            if backend == .sqlite {
                let afterBatch = try await log.currentVersion()
                let many = (0...ChangeSummary.maxCodeChanges).map { CouponDefinition(code: "M\($0)", promotionID: "p", kind: .unlimited) }
                _ = try await store.coupons.createMany(tenant: tenant, coupons: many)  // a change per row
                let tooMany = try #require(try await log.summary(after: afterBatch))
                #expect(tooMany.couponTenants.contains(tenant) && tooMany.couponCodes[tenant] == nil)
            }
        }
    }

    /// `TRUNCATE` fires no row trigger; on PostgreSQL a statement trigger records it for every
    /// tenant (before, other instances kept pricing with the truncated promotions). Rolled back:
    /// the test database is shared with tests running alongside.
    @Test func truncateIsAChangeOfEveryTenant() async throws {
        try await TestDatabases.withStore(.postgres) { store in
            let tenant = try await store.accounts.createTenant(name: TestDatabases.uniqueName())
            let before = try await ChangeLog(database: store.database).currentVersion()
            var recorded: [String] = []
            for table in ["promotions", "coupons"] {  // one table per transaction: fewer locks held at once
                do {
                    try await store.database.transaction { executor in
                        _ = try await executor.query("TRUNCATE \(table)", [])
                        let rows = try await executor.query(
                            "SELECT entity, operation FROM changes WHERE version > $1 AND tenant_id = $2 ORDER BY version",
                            [.int(Int(before)), .text(tenant.id)])
                        throw RecordedChanges(changes: try rows.map { "\(try $0.string("entity")) \(try $0.string("operation"))" })
                    }
                } catch let changes as RecordedChanges {
                    recorded += changes.changes
                }
            }
            #expect(recorded == ["promotion truncate", "coupon truncate"])
        }
    }

    struct RecordedChanges: Error { var changes: [String] }

    /// A plain-SQL write inside a REPEATABLE READ transaction, after another change committed
    /// since its snapshot: versions came from `MAX(version) + 1` over that snapshot and the insert
    /// failed on changes_pkey. Now they come from a sequence taken under the change lock.
    @Test func aRepeatableReadWriterGetsTheNextVersion() async throws {
        try await TestDatabases.withStore(.postgres) { store in
            let tenant = try await store.accounts.createTenant(name: TestDatabases.uniqueName()).id
            let log = ChangeLog(database: store.database)
            let before = try await log.currentVersion()
            try await store.database.transaction { executor in
                _ = try await executor.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", [])
                _ = try await executor.query("SELECT count(*) FROM changes", [])  // the snapshot is taken here
                _ = try await store.promotions.create(tenant: tenant, promotion: try Self.promotion("other"))  // commits meanwhile
                try await Self.insert(executor, tenant: tenant, id: "repeatable")
            }
            let changes = try await log.changes(after: before, tenant: tenant)
            #expect(changes.map(\.entityID) == ["other", "repeatable"])
        }
    }

    /// Version order is commit order: a second writer waits for the first to commit, so a
    /// follower catching up with "version > watermark" can never skip a late committer.
    @Test(arguments: Backend.allCases)
    func aLaterWriterWaitsSoVersionsFollowCommitOrder(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let tenant = try await store.accounts.createTenant(name: TestDatabases.uniqueName())
            let log = ChangeLog(database: store.database)
            let watermark = try await log.currentVersion()
            let (firstWrote, firstWroteSignal) = AsyncStream<Void>.makeStream()
            let (releaseFirst, releaseFirstSignal) = AsyncStream<Void>.makeStream()
            let secondDone = TestFlag()

            async let first: Void = store.database.transaction { executor in
                try await Self.insert(executor, tenant: tenant.id, id: "first")
                firstWroteSignal.yield()
                var iterator = releaseFirst.makeAsyncIterator()
                _ = await iterator.next()  // hold the transaction open
            }
            var wrote = firstWrote.makeAsyncIterator()
            _ = await wrote.next()
            async let second: Void = {
                try await store.database.transaction { executor in
                    try await Self.insert(executor, tenant: tenant.id, id: "second")
                }
                secondDone.set()
            }()
            // While the first transaction is open, the second cannot have committed.
            try await Task.sleep(for: .milliseconds(300))
            #expect(!secondDone.isSet)
            releaseFirstSignal.yield()
            try await first
            try await second
            let changes = try await log.changes(after: watermark, tenant: tenant.id)
            #expect(changes.map(\.entityID) == ["first", "second"])
            #expect(changes.count == 2 && changes[0].version < changes[1].version)
        }
    }

    static func insert(_ executor: any SQLExecutor, tenant: String, id: String) async throws {
        try await executor.query("""
            INSERT INTO promotions (tenant_id, id, version, enabled, document, created_at, updated_at)
            VALUES ($1, $2, 1, $3, $4::jsonb, $5, $5)
            """, [.text(tenant), .text(id), .bool(true), .json(try promotion(id).document.jsonText), .date(Date())])
    }
}

/// A flag set from one task and read from another.
final class TestFlag: Sendable {
    let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}
