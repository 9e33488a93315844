import Foundation
import TestSupport
import Testing

/// Filters carry versions like promotions and audiences: two marketers editing one filter
/// cannot silently overwrite each other.
@Suite("Filter versions over HTTP")
struct FilterVersionsAPITests {
    @Test(arguments: Backend.allCases)
    func staleEditsGet412(backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            let (name, key) = try await server.tenant()
            let cleanup = try await AudiencesAPITests.memberData(server, backend: backend, tenantName: name)
            defer { Task { try? await cleanup() } }
            let filter = #"{"id": "oslo", "name": "Oslo", "sql": "SELECT id FROM members WHERE city = 'Oslo'"}"#
            let created = try await server.request("POST", "/v1/filters", key: key, json: filter)
            #expect(created.status == 201 && created.json["version"] as? Int == 1 && created.header("ETag") == #""1""#, "\(created.text)")
            #expect(try await server.request("POST", "/v1/filters", key: key, json: filter).status == 409)

            // Two editors read version 1; the first save wins, the second gets 412 and the current version.
            let edit = #"{"name": "Oslo (renamed)", "sql": "SELECT id FROM members WHERE city = 'Oslo'"}"#
            let first = try await server.request("PUT", "/v1/filters/oslo", key: key, json: edit, headers: ["If-Match": #""1""#])
            #expect(first.status == 200 && first.json["version"] as? Int == 2, "\(first.text)")
            let second = try await server.request("PUT", "/v1/filters/oslo", key: key, json: edit, headers: ["If-Match": #""1""#])
            #expect(second.status == 412 && second.errorCode == "version_conflict" && second.header("ETag") == #""2""#, "\(second.text)")
            // "version" in the body works like If-Match.
            let viaBody = try await server.request("PUT", "/v1/filters/oslo", key: key,
                                                   json: #"{"name": "Oslo", "version": 1, "sql": "SELECT id FROM members"}"#)
            #expect(viaBody.status == 412)
            let shown = try await server.request("GET", "/v1/filters/oslo", key: key)
            #expect(shown.json["name"] as? String == "Oslo (renamed)" && shown.header("ETag") == #""2""#)
            // Without a version the save is unconditional (scripts, seeding).
            let blind = try await server.request("PUT", "/v1/filters/oslo", key: key, json: edit)
            #expect(blind.status == 200 && blind.json["version"] as? Int == 3)
            // A PUT that creates starts at version 1; If-Match on a missing filter is 412.
            let missing = try await server.request("PUT", "/v1/filters/bergen", key: key,
                                                   json: #"{"name": "B", "sql": "SELECT id FROM members"}"#, headers: ["If-Match": #""4""#])
            #expect(missing.status == 412)
            let put = try await server.request("PUT", "/v1/filters/bergen", key: key, json: #"{"name": "B", "sql": "SELECT id FROM members"}"#)
            #expect(put.status == 201 && put.json["version"] as? Int == 1)
            let badVersion = try await server.request("PUT", "/v1/filters/bergen", key: key,
                                                      json: #"{"name": "B", "version": "x", "sql": "SELECT id FROM members"}"#)
            #expect(badVersion.status == 400 && badVersion.errorPath == "/version")
        }
    }
}
