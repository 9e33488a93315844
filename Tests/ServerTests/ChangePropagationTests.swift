import Foundation
import Server
import Storage
import TestSupport
import Testing

/// Two instances on one database: a change made through either, or with plain SQL, reaches the
/// other (LISTEN/NOTIFY on PostgreSQL, polling on SQLite). The two-process version with
/// connection kills and a PostgreSQL restart is scripts/propagation.py.
@Suite("Change propagation between instances")
struct ChangePropagationTests {
    @Test(arguments: Backend.allCases)
    func changesReachTheOtherInstance(backend: Backend) async throws {
        let database = try TestDatabases.configuration(backend)
        let configuration = ServerConfiguration(host: "127.0.0.1", port: 0, pollInterval: .milliseconds(200))
        try await TestServer.with(backend, configuration: configuration, database: database) { a in
            let acme = try await a.tenant()
            try await TestServer.with(backend, configuration: configuration, database: database) { b in
                #expect(try await b.ready().status == 200)
                let cart = #"{"currency": "EUR", "lines": [{"id": "1", "sku": "probe", "quantity": 1, "unitPrice": "100.00"}]}"#
                func discountOnB() async throws -> String? {
                    try await b.request("POST", "/v1/carts/price", key: acme.key, json: cart).json["discount"] as? String
                }
                func eventually(_ expected: String) async throws {
                    for _ in 0..<100 {
                        if try await discountOnB() == expected { return }
                        try await Task.sleep(for: .milliseconds(50))
                    }
                    Issue.record("instance B never priced a discount of \(expected)")
                }
                let promotion = #"{"id": "probe", "name": "probe", "target": {"sku": "probe"}, "action": {"type": "percentOff", "percent": "7"}}"#
                #expect(try await a.request("POST", "/v1/promotions", key: acme.key, json: promotion).status == 201)
                try await eventually("7.00")
                let updated = promotion.replacingOccurrences(of: "\"7\"", with: "\"9\"")
                #expect(try await a.request("PUT", "/v1/promotions/probe", key: acme.key, json: updated, headers: ["If-Match": "1"]).status == 200)
                try await eventually("9.00")
                // Plain SQL, as an admin tool would write it.
                let sqlDocument = updated.replacingOccurrences(of: "\"9\"", with: "\"11\"")
                try await a.store.database.query(
                    "UPDATE promotions SET document = $1::jsonb, version = version + 1 WHERE id = 'probe' AND tenant_id = (SELECT id FROM tenants WHERE name = $2)",
                    [.json(sqlDocument), .text(acme.name)])
                try await eventually("11.00")
                // B's digest agrees with A's while the promotion exists (an empty catalog's digest
                // is the same on both whatever B loaded, so that alone would prove nothing)…
                func agreedDigest() async throws -> String? {
                    let statusA = try await a.request("GET", "/v1/status", key: acme.key).json
                    var statusB = try await b.request("GET", "/v1/status", key: acme.key).json
                    for _ in 0..<50 where statusB["digest"] as? String != statusA["digest"] as? String {
                        try await Task.sleep(for: .milliseconds(50))
                        statusB = try await b.request("GET", "/v1/status", key: acme.key).json
                    }
                    #expect(statusA["digest"] as? String == statusB["digest"] as? String)
                    #expect((statusB["version"] as? Int ?? 0) > 0)
                    return statusB["digest"] as? String
                }
                let withPromotion = try await agreedDigest()
                #expect(try await a.request("DELETE", "/v1/promotions/probe", key: acme.key).status == 204)
                try await eventually("0.00")
                // …and after the delete, when it is a different one.
                let afterDelete = try await agreedDigest()
                #expect(withPromotion != nil && withPromotion != afterDelete)
            }
        }
    }

    /// Coupons too: a code created on A prices on B, a code used up on A reads `exhausted` on B
    /// (availability refresh), a deleted code reads `unknown` on B.
    @Test(arguments: Backend.allCases)
    func couponsReachTheOtherInstance(backend: Backend) async throws {
        let database = try TestDatabases.configuration(backend)
        let configuration = {
            var configuration = ServerConfiguration(host: "127.0.0.1", port: 0, pollInterval: .milliseconds(200))
            configuration.availabilityInterval = .milliseconds(200)
            return configuration
        }()
        try await TestServer.with(backend, configuration: configuration, database: database) { a in
            let acme = try await a.tenant()
            try await TestServer.with(backend, configuration: configuration, database: database) { b in
                let cart = #"{"currency": "EUR", "coupons": ["prop-1"], "lines": [{"id": "1", "sku": "s", "quantity": 1, "unitPrice": "100.00"}]}"#
                func eventually(_ expected: String) async throws {
                    var status: String?
                    for _ in 0..<100 {
                        let coupons = try await b.request("POST", "/v1/carts/price", key: acme.key, json: cart).json["coupons"] as? [[String: Any]]
                        status = coupons?.first?["status"] as? String
                        if status == expected { return }
                        try await Task.sleep(for: .milliseconds(50))
                    }
                    Issue.record("instance B never saw the coupon as \(expected) (last: \(status ?? "nil"))")
                }
                let promotion = #"{"id": "cp", "name": "cp", "coupon": true, "action": {"type": "percentOff", "percent": "5"}}"#
                #expect(try await a.request("POST", "/v1/promotions", key: acme.key, json: promotion).status == 201)
                try await eventually("unknown")
                let coupon = #"{"code": "PROP-1", "promotion": "cp", "kind": "limited", "maxRedemptions": 1}"#
                #expect(try await a.request("POST", "/v1/coupons", key: acme.key, json: coupon).status == 201)
                try await eventually("applied")
                let redemption = try await a.request("POST", "/v1/redemptions", key: acme.key, json: #"{"coupon": "prop-1", "customer": "c1"}"#,
                                                     headers: ["Idempotency-Key": "prop"])
                #expect(redemption.status == 201)
                try await eventually("exhausted")
                // It learnt that from a read of the changed codes, not of every exhausted code.
                let metrics = try await b.request("GET", "/metrics").text
                #expect(metrics.contains(#"marquee_coupon_availability_reads_total{kind="changes"}"#))
                #expect(try await a.request("DELETE", "/v1/coupons/PROP-1", key: acme.key).status == 204)
                try await eventually("unknown")
            }
        }
    }
}
