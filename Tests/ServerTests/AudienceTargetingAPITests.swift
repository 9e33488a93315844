import Audiences
import Foundation
import Pricing
import Rules
import Server
import Storage
import TestSupport
import Testing

/// `{"customer.audiences": "horror-fans"}` in a promotion, over real HTTP on both backends: the
/// server evaluates the saved audience in the background and pricing tests the customer's id
/// against its bitmap; editing the audience moves the discount to its new members.
@Suite("Audience targeting over HTTP")
struct AudienceTargetingAPITests {
    static func cart(customer: String) -> String {
        #"{"currency": "EUR", "customer": {"id": \#(customer)}, "lines": [{"id": "1", "sku": "a", "quantity": 1, "unitPrice": "50.00"}]}"#
    }

    /// Prices for each customer until every discount is as expected (memberships refresh in the
    /// background; a change is picked up within about a second), or gives up after 20 s.
    static func discounts(_ server: TestServer, key: String, _ expected: [String: String]) async throws -> [String: String] {
        var seen: [String: String] = [:]
        for _ in 0..<80 {
            for customer in expected.keys {
                let reply = try await server.request("POST", "/v1/carts/price", key: key, json: cart(customer: customer))
                seen[customer] = reply.json["discount"] as? String ?? "status \(reply.status): \(reply.text)"
            }
            if seen == expected { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        return seen
    }

    @Test(arguments: Backend.allCases)
    func promotionForAnAudience(backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            let (name, key) = try await server.tenant()
            let cleanup = try await AudiencesAPITests.memberData(server, backend: backend, tenantName: name)
            defer { Task { try? await cleanup() } }
            for filter in AudiencesAPITests.filters {
                #expect(try await server.request("POST", "/v1/filters", key: key, json: filter).status == 201)
            }
            let audience = #"{"id": "horror-fans", "name": "Horror fans", "definition": {"filter": "watched", "params": {"genre": "horror"}}}"#
            #expect(try await server.request("POST", "/v1/audiences", key: key, json: audience).status == 201)
            let promotion = try await server.request("POST", "/v1/promotions", key: key, json: """
                {"id": "horror-10", "name": "10% for horror fans", "trigger": {"customer.audiences": "horror-fans"},
                 "action": {"type": "percentOff", "percent": "10"}}
                """)
            #expect(promotion.status == 201, "\(promotion.text)")

            // Members 1, 2, 3 watched horror; 6 did not; "x" is no member id; ids may be strings,
            // in canonical decimal ("03" and "+3" are other customers).
            let expected = ["1": "5.00", #""3""#: "5.00", "6": "0.00", #""x""#: "0.00", #""03""#: "0.00", #""+3""#: "0.00"]
            #expect(try await Self.discounts(server, key: key, expected) == expected)

            let metrics = try await server.request("GET", "/metrics").text
            #expect(metrics.contains("marquee_audience_memberships ") && metrics.contains("marquee_audience_membership_refresh_failures_total"))

            // A client cannot claim a membership.
            let claimed = try await server.request("POST", "/v1/carts/price", key: key, json: """
                {"currency": "EUR", "customer": {"id": 6, "audiences": ["horror-fans"]}, "lines": [{"id": "1", "sku": "a", "quantity": 1, "unitPrice": "50.00"}]}
                """)
            #expect(claimed.status == 400 && claimed.errorPath == "/customer/audiences", "\(claimed.text)")

            // Re-defining the audience moves the discount to its new members.
            let comedy = #"{"name": "Horror fans", "definition": {"filter": "watched", "params": {"genre": "comedy"}}}"#
            #expect(try await server.request("PUT", "/v1/audiences/horror-fans", key: key, json: comedy).status == 200)
            let second = try await Self.discounts(server, key: key, ["1": "0.00", "6": "5.00"])
            #expect(second == ["1": "0.00", "6": "5.00"])

            // Explain names the test that failed for a non-member.
            let explained = try await server.request("POST", "/v1/carts/price", key: key, json: """
                {"currency": "EUR", "explain": true, "customer": {"id": 1}, "lines": [{"id": "1", "sku": "a", "quantity": 1, "unitPrice": "50.00"}]}
                """)
            let reasons = explained.json["notApplied"] as? [[String: Any]] ?? []
            #expect(reasons.first?["reason"] as? String == "condition_failed", "\(explained.text)")

            // Stop referencing the audience before the member database is dropped: otherwise every
            // later server on this database would keep trying to evaluate it.
            #expect(try await server.request("DELETE", "/v1/promotions/horror-10", key: key).status == 204)
        }
    }

    /// A tenant whose member database cannot be reached (postgres-nio then queues its queries
    /// forever) must not hold back readiness beyond the budget, nor other tenants' memberships.
    /// Runs on a database of its own: the stuck tenant would slow every other test server's start.
    @Test func unreachableMemberSourceHoldsBackOnlyItsTenant() async throws {
        let (database, dropDatabase) = try await TestServer.ownDatabase(.postgres)
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.audiences.prewarmBudget = .seconds(3)

        // The stuck tenant is set up before the server starts, directly in storage (saving a
        // filter through the API would prepare it against the unreachable source).
        var components = try #require(URLComponents(string: try TestDatabases.postgresURL()))
        components.path = "/no_such_database_" + TestDatabases.uniqueName("gone").replacingOccurrences(of: "-", with: "_")
        let unreachable = try #require(components.string)
        try await Store.withStore(database, logger: TestDatabases.logger) { store in
            let stuck = try await store.accounts.createTenant(name: "stuck")
            try await store.memberSourceSettings.set(tenant: stuck.id, MemberSourceSettings(kind: .postgres(url: unreachable)))
            _ = try await store.filters.save(tenant: stuck.id, filter: FilterDefinition(id: "all", name: "All", sql: "SELECT 1"))
            _ = try await store.audiences.create(tenant: stuck.id, audience: SavedAudience(id: "fans", name: "Fans", definition: .filter("all")))
            _ = try await store.promotions.create(tenant: stuck.id, promotion: try Promotion(parsing: try JSONValue(parsing:
                #"{"id": "fans", "name": "Fans", "trigger": {"customer.audiences": "fans"}, "action": {"type": "percentOff", "percent": "10"}}"#)))
        }
        try await TestServer.with(.postgres, configuration: configuration, database: database) { server in
            // Not a timing assertion: waiting for the stuck tenant would take its 40 s connect
            // allowance; a loaded run once needed more than 10 s for the 3 s budget, so 30 s.
            #expect(try await server.ready(limit: .seconds(30)).status == 200, "ready within the 3 s budget, not after the stuck tenant's 40 s")

            let (tenantName, key) = try await server.tenant()
            let cleanup = try await AudiencesAPITests.memberData(server, backend: .postgres, tenantName: tenantName)
            defer { Task { try? await cleanup() } }
            for filter in AudiencesAPITests.filters {
                #expect(try await server.request("POST", "/v1/filters", key: key, json: filter).status == 201)
            }
            #expect(try await server.request("POST", "/v1/audiences", key: key, json:
                #"{"id": "oslo", "name": "Oslo", "definition": {"filter": "lives_in", "params": {"city": "Oslo"}}}"#).status == 201)
            #expect(try await server.request("POST", "/v1/promotions", key: key, json: """
                {"id": "oslo-10", "name": "Oslo", "trigger": {"customer.audiences": "oslo"}, "action": {"type": "percentOff", "percent": "10"}}
                """).status == 201)
            let discounts = try await Self.discounts(server, key: key, ["1": "5.00", "3": "0.00"])
            #expect(discounts == ["1": "5.00", "3": "0.00"])
        }
        try await dropDatabase()
    }
}
