import Foundation
import TestSupport
import Testing

@Suite("Rules API over HTTP")
struct RulesAPITests {
    @Test(arguments: Backend.allCases)
    func validateAndEvaluate(backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            let acme = try await server.tenant()
            let valid = try await server.request("POST", "/v1/rules/validate", key: acme.key, json: """
                {"condition": {"$and": [{"customer.tier": "gold"}, {"cartTotal": {"$gt": {"value": "2999.99", "type": "DECIMAL"}}}]}}
                """)
            #expect(valid.status == 200)
            #expect(valid.json["valid"] as? Bool == true)
            #expect(valid.json["normalized"] is [String: Any])

            let invalid = try await server.request("POST", "/v1/rules/validate", key: acme.key, json: """
                {"condition": {"$and": [{"a": 1}, {"total": {"$gtt": 5}}, {"sku": {"$in": 7}}]}}
                """)
            #expect(invalid.status == 400)
            #expect(invalid.errorCode == "validation_failed")
            let issues = ((invalid.json["error"] as? [String: Any])?["issues"] as? [[String: Any]]) ?? []
            let paths = issues.compactMap { $0["path"] as? String }
            #expect(paths.contains("/condition/$and/1/total"))
            #expect(issues.contains { ($0["message"] as? String)?.contains("$gtt") == true })
            #expect(paths.contains { $0.hasPrefix("/condition/$and/2/sku") })
            #expect(invalid.errorPath == paths.first)

            let matched = try await server.request("POST", "/v1/rules/evaluate", key: acme.key, json: """
                {"condition": {"lines.sku": "A", "total": {"$gte": {"value": "0.3", "type": "DECIMAL"}}},
                 "document": {"lines": [{"sku": "B"}, {"sku": "A"}], "total": 0.30}}
                """)
            #expect(matched.status == 200)
            #expect(matched.json["matched"] as? Bool == true)
            #expect(matched.json["trace"] == nil)

            let explained = try await server.request("POST", "/v1/rules/evaluate", key: acme.key, json: """
                {"condition": {"customer.tier": "gold"}, "document": {"customer": {"tier": "silver"}}, "explain": true}
                """)
            #expect(explained.json["matched"] as? Bool == false)
            let failures = ((explained.json["trace"] as? [String: Any])?["failures"] as? [[String: Any]]) ?? []
            #expect(failures.first?["found"] as? String == "silver")
            #expect((failures.first?["path"] as? String)?.hasPrefix("/condition") == true)
        }
    }

    @Test(arguments: Backend.allCases)
    func needsPricingRoleAndValidBodies(backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            let acme = try await server.tenant()
            let created = try await server.request("POST", "/v1/keys", key: acme.key, json: #"{"role":"read"}"#)
            let readKey = try #require(created.json["apiKey"] as? String)
            let pricing = try await server.request("POST", "/v1/keys", key: acme.key, json: #"{"role":"pricing"}"#)
            let pricingKey = try #require(pricing.json["apiKey"] as? String)
            let body = #"{"condition": {"a": 1}, "document": {"a": 1}}"#
            #expect(try await server.request("POST", "/v1/rules/evaluate", key: readKey, json: body).status == 403)
            #expect(try await server.request("POST", "/v1/rules/evaluate", key: pricingKey, json: body).status == 200)
            let missing = try await server.request("POST", "/v1/rules/evaluate", key: pricingKey, json: #"{"condition": {"a": 1}}"#)
            #expect(missing.status == 400)
            #expect(missing.errorPath == "/document")
            let notObject = try await server.request("POST", "/v1/rules/validate", key: pricingKey, json: "[1]")
            #expect(notObject.status == 400)
            let badExplain = try await server.request("POST", "/v1/rules/evaluate", key: pricingKey, json: #"{"condition": {}, "document": {}, "explain": "yes"}"#)
            #expect(badExplain.errorPath == "/explain")
            let misspelt = try await server.request("POST", "/v1/rules/evaluate", key: pricingKey, json: #"{"condition": {}, "document": {}, "explian": true}"#)
            #expect(misspelt.errorCode == "unknown_field" && misspelt.errorPath == "/explian", "\(misspelt.text)")
            let extra = try await server.request("POST", "/v1/rules/validate", key: pricingKey, json: #"{"condition": {}, "document": {}}"#)
            #expect(extra.errorCode == "unknown_field" && extra.errorPath == "/document", "\(extra.text)")
        }
    }

    /// Evaluation work is bounded: a large condition over a large document is refused at once
    /// (found by review: one 0.9 MB request held a core for 158 s), a usual one still evaluates.
    @Test func evaluationWorkIsBounded() async throws {
        try await TestServer.with(.sqlite) { server in
            let acme = try await server.tenant()
            let branches = (0..<3000).map { #"{"x": {"$gt": "z\#($0)"}}"# }.joined(separator: ",")
            let array = Array(repeating: #""a""#, count: 5000).joined(separator: ",")
            let heavy = try await server.request("POST", "/v1/rules/evaluate", key: acme.key,
                                                 json: #"{"condition": {"$or": [\#(branches)]}, "document": {"x": [\#(array)]}}"#)
            #expect(heavy.status == 400 && heavy.errorCode == "too_large" && heavy.errorPath == "/document", "\(heavy.text.prefix(300))")
            let usual = try await server.request("POST", "/v1/rules/evaluate", key: acme.key,
                                                 json: #"{"condition": {"x": {"$gt": "0"}}, "document": {"x": [\#(array)]}, "explain": true}"#)
            #expect(usual.status == 200 && usual.json["matched"] as? Bool == true, "\(usual.text.prefix(300))")
        }
    }
}
