import Audiences
import Foundation
import Storage
import TestSupport
import Testing

/// Bad input found by review: each answered with a 4xx and a pointer to the field at fault.
@Suite("Input errors")
struct InputErrorsAPITests {
    static let promotion = #"{"id": "bf", "name": "BF", "action": {"type": "percentOff", "percent": "10"}}"#

    /// Numbers valid as JSON that do not fit an integer field: the decoder's error had no path
    /// and said "not valid JSON".
    @Test func numbersThatDoNotFitAnIntegerFieldHaveAPath() async throws {
        try await TestServer.with(.sqlite) { server in
            let (_, key) = try await server.tenant()
            #expect(try await server.request("POST", "/v1/promotions", key: key, json: Self.promotion).status == 201)
            let cases = [
                (#"{"code": "B1", "promotion": "bf", "kind": "limited", "maxRedemptions": 2, "perCustomer": 1.5}"#, "/perCustomer"),
                (#"{"code": "B2", "promotion": "bf", "kind": "limited", "maxRedemptions": 99999999999999999999}"#, "/maxRedemptions"),
            ]
            for (body, path) in cases {
                let reply = try await server.request("POST", "/v1/coupons", key: key, json: body)
                #expect(reply.status == 400 && reply.errorCode == "wrong_type" && reply.errorPath == path, "\(reply.text)")
            }
            let batch = try await server.request("POST", "/v1/coupons/batches", key: key,
                                                 json: #"{"promotion": "bf", "kind": "unlimited", "count": 99999999999999999999}"#)
            #expect(batch.status == 400 && batch.errorPath == "/count", "\(batch.text)")
        }
    }

    /// A condition number Marquee cannot write back (1e400) was stored with 201 and an error
    /// body, and made the tenant's promotion list answer an error until it was deleted.
    @Test func conditionNumbersBeyondWhatCanBeWrittenBackAre400() async throws {
        try await TestServer.with(.sqlite) { server in
            let (_, key) = try await server.tenant()
            func issues(_ reply: TestServer.Reply) -> [String] {
                ((reply.json["error"] as? [String: Any])?["issues"] as? [[String: Any]] ?? []).compactMap {
                    $0["code"] as? String == "out_of_range" ? $0["path"] as? String : nil
                }
            }
            let cases = [
                (#"{"total": {"$gt": 1e400}}"#, "/trigger/total/$gt"),
                (#"{"total": {"$in": [1, -1e-400]}}"#, "/trigger/total/$in/1"),
                (#"{"total": {"$gt": {"value": "1e400", "type": "DECIMAL"}}}"#, "/trigger/total/$gt/value"),
            ]
            for (trigger, path) in cases {
                let body = #"{"id": "big", "name": "big", "trigger": \#(trigger), "action": {"type": "percentOff", "percent": "10"}}"#
                let reply = try await server.request("POST", "/v1/promotions", key: key, json: body)
                #expect(reply.status == 400 && issues(reply) == [path], "\(trigger): \(reply.text)")
                let validated = try await server.request("POST", "/v1/rules/validate", key: key, json: #"{"condition": \#(trigger)}"#)
                #expect(validated.status == 400 && issues(validated) == [path.replacingOccurrences(of: "/trigger", with: "/condition")],
                        "\(validated.text)")
            }
            let list = try await server.request("GET", "/v1/promotions", key: key)
            #expect(list.status == 200 && list.errorCode == nil, "\(list.text)")
            let evaluated = try await server.request("POST", "/v1/rules/evaluate", key: key,
                                                     json: #"{"condition": {"a": 1}, "document": {"a": [2, 1e400]}, "explain": true}"#)
            #expect(evaluated.status == 400 && evaluated.errorCode == "out_of_range" && evaluated.errorPath == "/document/a/1", "\(evaluated.text)")
            // The edge of the range is kept and written back exactly.
            let edge = #"{"id": "edge", "name": "edge", "trigger": {"total": {"$lt": 1e127}}, "action": {"type": "percentOff", "percent": "10"}}"#
            #expect(try await server.request("POST", "/v1/promotions", key: key, json: edge).status == 201)
            let read = try await server.request("GET", "/v1/promotions/edge", key: key)
            #expect(read.status == 200 && read.text.contains(#""$lt":1"# + String(repeating: "0", count: 127) + "}"), "\(read.text)")
        }
    }

    @Test func couponListLimitsAndChunkedBodiesOverTheLimit() async throws {
        try await TestServer.with(.sqlite) { server in
            let (_, key) = try await server.tenant()
            for limit in ["abc", "-5", "0", "1001", "99999999999999999999999"] {
                let reply = try await server.request("GET", "/v1/coupons?limit=\(limit)", key: key)
                #expect(reply.status == 400 && reply.errorCode == "invalid_limit", "limit=\(limit): \(reply.text)")
            }
            #expect(try await server.request("GET", "/v1/coupons?limit=1000", key: key).status == 200)
            // Without Content-Length the limit is found while reading: same 413 and code.
            let huge = Data(("{\"x\": \"" + String(repeating: "a", count: 1 << 21) + "\"}").utf8)
            let chunked = try await server.request("POST", "/v1/promotions", key: key, body: huge, headers: ["Transfer-Encoding": "chunked"])
            #expect(chunked.status == 413 && chunked.errorCode == "body_too_large", "\(chunked.status) \(chunked.text)")
        }
    }

    /// A number Foundation's JSONSerialization rejects (1e400) skipped the URL/body id check, so
    /// PUT /v1/filters/aaa could overwrite filter "bbb".
    @Test(arguments: Backend.allCases)
    func filterIdsAndQueryFailurePaths(backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            let (name, key) = try await server.tenant()
            let cleanup = try await AudiencesAPITests.memberData(server, backend: backend, tenantName: name)
            defer { Task { try? await cleanup() } }
            #expect(try await server.request("POST", "/v1/filters", key: key, json: AudiencesAPITests.filters[0]).status == 201)
            let hijack = try await server.request("PUT", "/v1/filters/aaa", key: key,
                                                  json: #"{"id": "everyone", "name": "x", "sql": "SELECT id FROM members WHERE id < 3", "x": 1e400}"#)
            #expect(hijack.status == 400 && hijack.errorCode == "id_mismatch", "\(hijack.text)")
            #expect(try await server.request("GET", "/v1/filters/everyone", key: key).json["name"] as? String == "All members")
            // A missing member is pointed at itself, not at its parent ("" before, found by review).
            for (path, body, pointer) in [("/v1/filters", #"{"id": "nameless", "sql": "SELECT id FROM members"}"#, "/name"),
                                          ("/v1/audiences", #"{"id": "a", "definition": {"filter": "everyone"}}"#, "/name")] {
                let missing = try await server.request("POST", path, key: key, json: body)
                #expect(missing.status == 400 && missing.errorPath == pointer, "\(path): \(missing.text)")
            }
            // Members the body may not have are refused, not dropped (a misspelt `univers` made an
            // ordinary filter); the number Foundation cannot read does not get in the way.
            for (body, member) in [(#"{"name": "A", "sql": "SELECT id FROM members", "x": 1e400}"#, "/x"),
                                   (#"{"name": "A", "sql": "SELECT id FROM members", "univers": true}"#, "/univers"),
                                   (#"{"name": "A", "sql": "SELECT id FROM members WHERE city = :c", "parameters": [{"name": "c", "type": "string", "defualt": "Oslo"}]}"#,
                                    "/parameters/0/defualt")] {
                let unknown = try await server.request("PUT", "/v1/filters/aaa", key: key, json: body)
                let code = member.hasPrefix("/parameters") ? "validation_failed" : "unknown_field"  // nested: a decoding issue
                #expect(unknown.status == 400 && unknown.errorCode == code && unknown.errorPath == member, "\(unknown.text)")
            }
            let typo = try await server.request("POST", "/v1/audiences", key: key, json: #"{"id": "a", "name": "A", "definition": {"filter": "everyone"}, "descripton": "x"}"#)
            #expect(typo.status == 400 && typo.errorCode == "unknown_field" && typo.errorPath == "/descripton", "\(typo.text)")
            let long = String(repeating: "x", count: 4001)
            let tooLong = try await server.request("POST", "/v1/audiences", key: key, json: #"{"id": "a", "name": "A", "definition": {"filter": "everyone"}, "description": "\#(long)"}"#)
            #expect(tooLong.status == 400 && tooLong.text.contains("invalid_description") && tooLong.text.contains("\"/description\""), "\(tooLong.status)")
            let renamed = try await server.request("PUT", "/v1/filters/aaa", key: key,
                                                   json: #"{"name": "A", "sql": "SELECT id FROM members"}"#)
            #expect(renamed.status == 201 && renamed.json["id"] as? String == "aaa", "\(renamed.text)")
            // A saved audience read with GET can be sent back (its read-only members are ignored).
            #expect(try await server.request("POST", "/v1/audiences", key: key, json: #"{"id": "a", "name": "A", "definition": {"filter": "everyone"}}"#).status == 201)
            let read = try await server.request("GET", "/v1/audiences/a", key: key)
            let roundTrip = try await server.request("PUT", "/v1/audiences/a", key: key, body: Data(read.text.utf8), headers: ["Content-Type": "application/json"])
            #expect(roundTrip.status == 200, "\(roundTrip.text)")

            // A filter that prepares but fails when run: the pointer names the leaf in the body.
            #expect(try await server.request("POST", "/v1/filters", key: key,
                                             json: #"{"id": "negative", "name": "Negative ids", "sql": "SELECT -id FROM members"}"#).status == 201)
            let failed = try await server.request("POST", "/v1/audiences/evaluate", key: key,
                                                  json: #"{"definition": {"all": [{"filter": "everyone"}, {"filter": "negative"}]}}"#)
            #expect(failed.status == 400 && failed.errorCode == "filter_query_failed" && failed.errorPath == "/definition/all/1", "\(failed.text)")
        }
    }

    /// Deleting a filter a saved audience uses was refused, but editing it so the audience no
    /// longer resolves was accepted (the audience then failed on every read and left pricing).
    @Test(arguments: Backend.allCases)
    func filterEditsThatBreakSavedAudiencesAreRefused(backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            let (name, key) = try await server.tenant()
            let cleanup = try await AudiencesAPITests.memberData(server, backend: backend, tenantName: name)
            defer { Task { try? await cleanup() } }
            for filter in AudiencesAPITests.filters {
                #expect(try await server.request("POST", "/v1/filters", key: key, json: filter).status == 201)
            }
            #expect(try await server.request("POST", "/v1/audiences", key: key, json: #"{"id": "not-oslo", "name": "Not Oslo", "definition": {"filter": "lives_in", "params": {"city": "Oslo"}, "exclude": true}}"#).status == 201)
            let renamed = try await server.request("PUT", "/v1/filters/lives_in", key: key, json: #"{"name": "Lives in", "sql": "SELECT id FROM members WHERE city = :town", "parameters": [{"name": "town", "type": "string"}]}"#)
            #expect(renamed.status == 409 && renamed.errorCode == "filter_in_use", "\(renamed.text)")
            #expect(renamed.text.contains("not-oslo"))
            let noUniverse = try await server.request("PUT", "/v1/filters/everyone", key: key, json: #"{"name": "All", "sql": "SELECT id FROM members"}"#)
            #expect(noUniverse.status == 409 && noUniverse.errorCode == "filter_in_use", "\(noUniverse.text)")
            // Deleting the universe breaks it too, though no leaf names it (was 204, found by review).
            let deleted = try await server.request("DELETE", "/v1/filters/everyone", key: key)
            #expect(deleted.status == 409 && deleted.errorCode == "filter_in_use" && deleted.text.contains("not-oslo"), "\(deleted.text)")
            #expect(try await server.request("GET", "/v1/filters/everyone", key: key).status == 200)
            let compatible = try await server.request("PUT", "/v1/filters/lives_in", key: key, json: #"{"name": "Lives in (city)", "sql": "SELECT id FROM members WHERE city = :city", "parameters": [{"name": "city", "type": "string"}]}"#)
            #expect(compatible.status == 200, "\(compatible.text)")
            let evaluated = try await server.request("POST", "/v1/audiences/not-oslo/evaluate", key: key)
            #expect(evaluated.status == 200 && evaluated.json["count"] as? Int == 2, "\(evaluated.text)")
        }
    }

    /// Two first saves of one id raced past the existence check on PostgreSQL; the loser hit
    /// the primary key and answered 500 (found by review). Now: one 201, the others 409.
    @Test(arguments: Backend.allCases)
    func concurrentCreatesOfOneIdGiveOneCreatedAndConflicts(backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            let (name, key) = try await server.tenant()
            let cleanup = try await AudiencesAPITests.memberData(server, backend: backend, tenantName: name)
            defer { Task { try? await cleanup() } }
            let creates: [(path: String, body: String)] = [
                ("/v1/filters", AudiencesAPITests.filters[1]),
                ("/v1/audiences", #"{"id": "oslo", "name": "Oslo", "definition": {"filter": "lives_in", "params": {"city": "Oslo"}}}"#),
            ]
            for (path, body) in creates {
                let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<8 { group.addTask { try await server.request("POST", path, key: key, json: body).status } }
                    return try await group.reduce(into: [Int]()) { $0.append($1) }
                }
                #expect(statuses.filter { $0 == 201 }.count == 1 && statuses.filter { $0 == 409 }.count == 7, "\(path): \(statuses)")
            }
            // Universes of different ids: each passed the catalog check before any was stored, and
            // a tenant ended up with several (found by review). Now one is created, the rest 400.
            let universes = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for index in 0..<8 {
                    group.addTask {
                        let reply = try await server.request("POST", "/v1/filters", key: key,
                                                             json: #"{"id": "all-\#(index)", "name": "All", "sql": "SELECT id FROM members", "universe": true}"#)
                        return (reply.status, reply.errorPath)
                    }
                }
                return try await group.reduce(into: [(Int, String?)]()) { $0.append($1) }
            }
            #expect(universes.filter { $0.0 == 201 }.count == 1, "\(universes)")
            #expect(universes.filter { $0.0 == 400 && $0.1 == "/universe" }.count == 7, "\(universes)")
        }
    }

    /// The delete and save checks used the cached catalog (up to 5 s old, another instance's
    /// changes unseen): a universe created elsewhere, with an audience needing it, could be
    /// deleted here (204; found by review). They now run on the catalog read in the change's
    /// own transaction.
    @Test(arguments: Backend.allCases)
    func catalogChecksSeeChangesTheCacheHasNot(backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            let (name, key) = try await server.tenant()
            let cleanup = try await AudiencesAPITests.memberData(server, backend: backend, tenantName: name)
            defer { Task { try? await cleanup() } }
            #expect(try await server.request("POST", "/v1/filters", key: key, json: AudiencesAPITests.filters[1]).status == 201)
            let cached = try await server.request("POST", "/v1/audiences/evaluate", key: key,
                                                  json: #"{"definition": {"filter": "lives_in", "params": {"city": "Oslo"}}}"#)
            #expect(cached.status == 200, "\(cached.text)")  // this instance's catalog: {lives_in}
            // Another instance adds the universe and an audience that needs it.
            let tenant = try #require(try await server.store.accounts.tenant(named: name)).id
            try await server.store.filters.save(tenant: tenant, filter: FilterDefinition(id: "everyone", name: "All", sql: "SELECT id FROM members", universe: true))
            _ = try await server.store.audiences.create(tenant: tenant, audience: SavedAudience(
                id: "not-oslo", name: "Not Oslo", definition: .filter(AudienceLeaf(filter: "lives_in", params: ["city": .string("Oslo")], exclude: true))))
            let deleted = try await server.request("DELETE", "/v1/filters/everyone", key: key)
            #expect(deleted.status == 409 && deleted.errorCode == "filter_in_use", "\(deleted.status) \(deleted.text)")
            let demoted = try await server.request("PUT", "/v1/filters/everyone", key: key, json: #"{"name": "All", "sql": "SELECT id FROM members"}"#)
            #expect(demoted.status == 409 && demoted.errorCode == "filter_in_use", "\(demoted.status) \(demoted.text)")
            // A stale edit is told so first (412), whatever else is wrong with it (was 409).
            let stale = try await server.request("PUT", "/v1/filters/everyone", key: key, json: #"{"name": "All", "sql": "SELECT id FROM members"}"#,
                                                 headers: ["If-Match": "\"7\""])
            #expect(stale.status == 412, "\(stale.status) \(stale.text)")
            // Nor are saves refused on the cache's word: a filter another instance just created
            // can be used at once (was 400 unknown filter for up to 5 s).
            try await server.store.filters.save(tenant: tenant, filter: FilterDefinition(id: "fresh", name: "Fresh", sql: "SELECT id FROM members"))
            let uses = try await server.request("POST", "/v1/audiences", key: key, json: #"{"id": "fresh-fans", "name": "F", "definition": {"filter": "fresh"}}"#)
            #expect(uses.status == 201, "\(uses.text)")
        }
    }

    /// A filter delete racing the save of an audience that uses it: both could pass their checks
    /// and commit, leaving an audience that no longer resolves (found by review, 2 of 8 on SQLite).
    @Test(arguments: Backend.allCases)
    func aFilterDeleteRacingAnAudienceSaveNeverLeavesItBroken(backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            let (name, key) = try await server.tenant()
            let cleanup = try await AudiencesAPITests.memberData(server, backend: backend, tenantName: name)
            defer { Task { try? await cleanup() } }
            for round in 0..<12 {
                let filter = #"{"id": "f\#(round)", "name": "F", "sql": "SELECT id FROM members"}"#
                #expect(try await server.request("POST", "/v1/filters", key: key, json: filter).status == 201)
                async let created = server.request("POST", "/v1/audiences", key: key,
                                                   json: #"{"id": "a\#(round)", "name": "A", "definition": {"filter": "f\#(round)"}}"#)
                async let deleted = server.request("DELETE", "/v1/filters/f\(round)", key: key)
                let (audience, filterGone) = (try await created.status, try await deleted.status)
                // Either order is fine; both succeeding is not.
                #expect(!(audience == 201 && filterGone == 204), "round \(round): audience \(audience), delete \(filterGone)")
                if audience == 201 {
                    #expect(try await server.request("POST", "/v1/audiences/a\(round)/evaluate", key: key).status == 200)
                }
            }
        }
    }
}
