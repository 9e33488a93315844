import Foundation
import TestSupport
import Testing

/// `PATCH /v1/tenant`: per-tenant rounding of fractional minor units (half-even by default,
/// half-up on request), applied by pricing at once on this instance.
@Suite("Tenant settings over HTTP")
struct TenantSettingsAPITests {
    // 50 % of 0.05 EUR is 2.5 cents: half-even gives 0.02, half-up 0.03.
    static let cart = #"{"currency": "EUR", "lines": [{"id": "1", "sku": "a", "quantity": 1, "unitPrice": "0.05"}]}"#

    @Test(arguments: Backend.allCases)
    func roundingIsPerTenant(backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            let acme = try await server.tenant(), globex = try await server.tenant()
            for key in [acme.key, globex.key] {
                #expect(try await server.request("POST", "/v1/promotions", key: key, json: """
                    {"id": "half", "name": "Half off", "action": {"type": "percentOff", "percent": "50"}}
                    """).status == 201)
            }
            #expect(try await server.request("GET", "/v1/tenant", key: acme.key).json["rounding"] as? String == "halfEven")
            #expect(try await server.request("POST", "/v1/carts/price", key: acme.key, json: Self.cart).json["discount"] as? String == "0.02")

            let patched = try await server.request("PATCH", "/v1/tenant", key: acme.key, json: #"{"rounding": "halfUp"}"#)
            #expect(patched.status == 200 && patched.json["rounding"] as? String == "halfUp", "\(patched.text)")
            #expect(try await server.request("POST", "/v1/carts/price", key: acme.key, json: Self.cart).json["discount"] as? String == "0.03")
            // Another tenant keeps its own setting.
            #expect(try await server.request("POST", "/v1/carts/price", key: globex.key, json: Self.cart).json["discount"] as? String == "0.02")

            let bad = try await server.request("PATCH", "/v1/tenant", key: acme.key, json: #"{"rounding": "up"}"#)
            #expect(bad.status == 400 && bad.errorPath == "/rounding", "\(bad.text)")
            let slashed = try await server.request("PATCH", "/v1/tenant", key: acme.key, json: #"{"a/b": 1}"#)
            #expect(slashed.status == 400 && slashed.errorPath == "/a~1b", "\(slashed.text)")  // escaped (was /a/b)
            let unknown = try await server.request("PATCH", "/v1/tenant", key: acme.key, json: #"{"rouding": "halfUp"}"#)
            #expect(unknown.status == 400 && unknown.errorPath == "/rouding")
            let pricingKey = try await server.request("POST", "/v1/keys", key: acme.key, json: #"{"role": "pricing"}"#).json["apiKey"] as? String
            #expect(try await server.request("PATCH", "/v1/tenant", key: pricingKey, json: #"{"rounding": "halfEven"}"#).status == 403)
            #expect(try await server.request("GET", "/v1/tenant", key: acme.key).json["rounding"] as? String == "halfUp")
        }
    }
}
