import Foundation
import Server
import Storage
import TestSupport
import Testing

/// The port opens before the first load is done: `/livez` answers (a liveness probe must not kill
/// an instance that is only loading), `/readyz` and `/v1` answer 503 until the promotions are in
/// memory. Before, the server did not listen at all until then.
@Suite("Starting gate")
struct StartingGateTests {
    @Test func theInstanceListensWhileLoadingAndV1WaitsForThePromotions() async throws {
        let (database, drop) = try await TestServer.ownDatabase(.postgres)
        do {
            let key = try await Store.withStore(database, logger: TestDatabases.logger) { store in
                let tenant = try await store.accounts.createTenant(name: TestDatabases.uniqueName("gate"))
                return try await store.accounts.createKey(tenantID: tenant.id, role: .admin).secret
            }
            // The first load waits for this lock on the promotions table.
            let (locked, lockedSignal) = AsyncStream<Void>.makeStream()
            let (release, releaseSignal) = AsyncStream<Void>.makeStream()
            let holder = Task {
                try await Store.withStore(database, logger: TestDatabases.logger, migrate: false) { store in
                    try await store.database.transaction { executor in
                        _ = try await executor.query("LOCK TABLE promotions IN ACCESS EXCLUSIVE MODE", [])
                        lockedSignal.yield()
                        var waiting = release.makeAsyncIterator()
                        _ = await waiting.next()
                    }
                }
            }
            var lockTaken = locked.makeAsyncIterator()
            _ = await lockTaken.next()
            try await TestServer.with(.postgres, database: database, waitForLoad: false) { server in
                #expect(try await server.request("GET", "/livez").status == 200)
                let ready = try await server.request("GET", "/readyz")
                #expect(ready.status == 503)
                #expect((ready.json["pending"] as? [String] ?? []).contains("promotions"))
                let cart = #"{"currency": "EUR", "lines": [{"id": "1", "sku": "a", "quantity": 1, "unitPrice": "9.99"}]}"#
                let early = try await server.request("POST", "/v1/carts/price", key: key, json: cart)
                #expect(early.status == 503)
                #expect(early.errorCode == "starting")
                #expect(early.header("Retry-After") == "1")
                releaseSignal.yield()
                try await server.waitForPromotions()
                #expect(try await server.request("POST", "/v1/carts/price", key: key, json: cart).status == 200)
            }
            releaseSignal.finish()
            try await holder.value
            try await drop()
        } catch {
            try? await drop()
            throw error
        }
    }
}
