import Foundation
import TestSupport
import Testing

@Suite("Auth and tenant isolation over HTTP")
struct AuthAPITests {
    @Test(arguments: Backend.allCases)
    func keysAuthenticateAndIsolateTenants(backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            let acme = try await server.tenant()
            let globex = try await server.tenant()

            let me = try await server.request("GET", "/v1/tenant", key: acme.key)
            #expect(me.status == 200)
            #expect(me.json["name"] as? String == acme.name)

            let missing = try await server.request("GET", "/v1/tenant")
            #expect(missing.status == 401)
            #expect(missing.errorCode == "unauthorized")
            let wrong = try await server.request("GET", "/v1/tenant", key: "mq_" + String(repeating: "0", count: 64))
            #expect(wrong.status == 401)
            let malformed = try await server.request("GET", "/v1/tenant", headers: ["Authorization": "Basic abc"])
            #expect(malformed.status == 401)

            // acme creates a key; globex cannot see or revoke it (404, never 403).
            let created = try await server.request("POST", "/v1/keys", key: acme.key, json: #"{"role":"read"}"#)
            #expect(created.status == 201)
            let keyID = try #require(created.json["id"] as? String)
            #expect((created.json["apiKey"] as? String)?.hasPrefix("mq_") == true)
            #expect(try await server.request("GET", "/v1/keys/\(keyID)", key: acme.key).status == 200)
            let foreign = try await server.request("GET", "/v1/keys/\(keyID)", key: globex.key)
            #expect(foreign.status == 404)
            #expect(foreign.errorCode == "not_found")
            #expect(try await server.request("DELETE", "/v1/keys/\(keyID)", key: globex.key).status == 404)
            let listed = try await server.request("GET", "/v1/keys", key: globex.key)
            #expect((listed.json["keys"] as? [[String: Any]])?.contains { $0["id"] as? String == keyID } == false)
            // The secret is never listed.
            #expect(!listed.text.contains("apiKey"))
        }
    }

    @Test(arguments: Backend.allCases)
    func rolesAreEnforcedAndRevocationIsImmediate(backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            let acme = try await server.tenant()
            let created = try await server.request("POST", "/v1/keys", key: acme.key, json: #"{"role":"read"}"#)
            let readKey = try #require(created.json["apiKey"] as? String)
            let readKeyID = try #require(created.json["id"] as? String)

            #expect(try await server.request("GET", "/v1/tenant", key: readKey).status == 200)
            let forbidden = try await server.request("POST", "/v1/keys", key: readKey, json: #"{"role":"admin"}"#)
            #expect(forbidden.status == 403)
            #expect(forbidden.errorCode == "forbidden")
            #expect(try await server.request("GET", "/v1/keys", key: readKey).status == 403)

            #expect(try await server.request("DELETE", "/v1/keys/\(readKeyID)", key: acme.key).status == 204)
            #expect(try await server.request("GET", "/v1/tenant", key: readKey).status == 401)
        }
    }
}
