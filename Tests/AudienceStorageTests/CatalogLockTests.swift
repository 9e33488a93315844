import Audiences
import Foundation
import Storage
import TestSupport
import Testing

/// The per-tenant catalog lock must hold on a PostgreSQL database whose default isolation is
/// REPEATABLE READ: there the lock statement's own snapshot predated the lock, and a filter
/// delete racing an audience save both committed in 100 of 100 rounds (found by review).
/// PostgreSQL only: fails without MARQUEE_TEST_POSTGRES_URL.
@Suite("Catalog lock")
struct CatalogLockTests {
    struct Refused: Error {}

    @Test func aDeleteRacingASaveNeverBothCommitUnderRepeatableRead() async throws {
        guard var components = URLComponents(string: try TestDatabases.postgresURL()) else { throw TestEnvironmentError(message: "bad URL") }
        let name = "rr_" + TestDatabases.uniqueName("db").replacingOccurrences(of: "-", with: "_")
        try await TestDatabases.withStore(.postgres) { admin in
            try await admin.database.query("CREATE DATABASE \(name)")
            try await admin.database.query("ALTER DATABASE \(name) SET default_transaction_isolation = 'repeatable read'")
        }
        components.path = "/" + name
        let url = try #require(components.string)
        try await Store.withStore(try DatabaseConfiguration(url: url), logger: TestDatabases.logger) { store in
            let isolation = try await store.database.query("SELECT current_setting('transaction_isolation') AS i")[0].string("i")
            #expect(isolation == "repeatable read", "the database default did not apply")
            let tenant = try await store.accounts.createTenant(name: TestDatabases.uniqueName("rr")).id
            var both = 0
            for round in 0..<30 {
                let id = "f\(round)"
                try await store.filters.save(tenant: tenant, filter: FilterDefinition(id: id, name: "F", sql: "SELECT 1"))
                let audience = SavedAudience(id: "a\(round)", name: "A", definition: .filter(AudienceLeaf(filter: id)))
                async let created: Bool = {
                    do {
                        _ = try await store.audiences.create(tenant: tenant, audience: audience) { state in
                            if !state.filters.contains(where: { $0.id == id }) { throw Refused() }
                        }
                        return true
                    } catch is Refused { return false }
                }()
                async let deleted: Bool = {
                    do {
                        return try await store.filters.delete(tenant: tenant, id: id) { state in
                            if state.audiences.contains(where: { $0.id == "a\(round)" }) { throw Refused() }
                        }
                    } catch is Refused { return false }
                }()
                if try await created, try await deleted { both += 1 }
            }
            #expect(both == 0, "\(both) of 30 rounds left an audience whose filter was deleted")
        }
        try await TestDatabases.withStore(.postgres) { admin in
            try await admin.database.query("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        }
    }
}
