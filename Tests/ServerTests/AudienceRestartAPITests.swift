import Foundation
import Storage
import TestSupport
import Testing

/// The filter cache survives a restart: usage is saved at shutdown and the next start pre-warms
/// the most used filters before `/readyz` turns ready, so the first evaluation runs no query.
/// Each backend gets a database of its own (pre-warming reads every tenant's stored usage).
@Suite("Audience cache across a restart")
struct AudienceRestartAPITests {
    static let definition = #"{"definition": {"all": [{"filter": "watched", "params": {"genre": "horror"}}, {"filter": "lives_in", "params": {"city": "Oslo"}}]}}"#

    @Test(arguments: Backend.allCases)
    func restartedServerAnswersFromThePrewarmedCache(backend: Backend) async throws {
        let (database, dropDatabase) = try await TestServer.ownDatabase(backend)
        defer { Task { try? await dropDatabase() } }
        let key: String = try await TestServer.with(backend, database: database, graceful: true) { server in
            let (name, key) = try await server.tenant()
            let cleanup = try await AudiencesAPITests.memberData(server, backend: backend, tenantName: name)
            _ = cleanup  // the member data must outlive this server; dropped with the database
            for filter in AudiencesAPITests.filters {
                #expect(try await server.request("POST", "/v1/filters", key: key, json: filter).status == 201)
            }
            let cold = try await server.request("POST", "/v1/audiences/evaluate", key: key, json: Self.definition)
            #expect(cold.json["count"] as? Int == 2 && cold.json["queries"] as? Int == 2, "\(cold.text)")
            return key
        }
        try await TestServer.with(backend, database: database) { server in
            #expect(try await server.ready().status == 200)
            let warm = try await server.request("POST", "/v1/audiences/evaluate", key: key, json: Self.definition)
            #expect(warm.json["count"] as? Int == 2, "\(warm.text)")
            #expect(warm.json["queries"] as? Int == 0, "every filter came from the pre-warmed cache: \(warm.text)")
            let leaves = (warm.json["nodes"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "filter" }
            #expect(leaves.count == 2 && leaves.allSatisfy { $0["cached"] as? Bool == true })
        }
    }
}
