import Accounts
import Foundation
import HTTPTypes
import Hummingbird
import Rules

/// `/v1/tenant` and `/v1/keys`: who am I, and the tenant's API keys.
struct AccountsController {
    let accounts: any AccountRepository
    let keys: KeyCache
    let body: RequestBody

    func addRoutes(to group: RouterGroup<MarqueeRequestContext>) {
        group.get("tenant", use: tenant)
        group.patch("tenant", use: updateTenant)
        group.get("keys", use: list)
        group.post("keys", use: create)
        group.get("keys/{id}", use: show)
        group.delete("keys/{id}", use: revoke)
    }

    struct TenantView: Encodable {
        var id: String
        var name: String
        var createdAt: Date
        var role: Role
        var rounding: MoneyRounding

        init(_ tenant: Tenant, role: Role) {
            id = tenant.id
            name = tenant.name
            createdAt = tenant.createdAt
            self.role = role
            rounding = tenant.rounding
        }
    }

    struct KeyView: Encodable {
        var id: String
        var role: Role
        var prefix: String
        var createdAt: Date
        var revokedAt: Date?
        var apiKey: String?

        init(_ key: APIKey, secret: String? = nil) {
            id = key.id
            role = key.role
            prefix = key.prefix
            createdAt = key.createdAt
            revokedAt = key.revokedAt
            apiKey = secret
        }
    }

    struct CreateKey: Decodable {
        var role: Role
    }

    @Sendable func tenant(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.read)
        return JSONResponse.make(TenantView(caller.tenant, role: caller.key.role))
    }

    /// `PATCH /v1/tenant` (admin): tenant settings — for now `rounding` (`halfEven` | `halfUp`).
    @Sendable func updateTenant(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.manage)
        let fields = try await body.jsonObject(request)
        if let unknown = fields.keys.sorted().first(where: { $0 != "rounding" }) {
            throw APIError.badRequest("unknown setting '\(unknown)'", path: RequestBody.pointer([RequestBody.PathKey(unknown)]), code: "unknown_field")
        }
        var tenant = caller.tenant
        if let value = fields["rounding"] {
            guard case .string(let text) = value, let rounding = MoneyRounding(rawValue: text) else {
                throw APIError.badRequest("rounding must be one of: " + MoneyRounding.allCases.map(\.rawValue).joined(separator: ", "),
                                          path: "/rounding", code: "invalid_value")
            }
            guard let updated = try await accounts.setRounding(tenantID: tenant.id, rounding) else { throw APIError.notFound("tenant") }
            tenant = updated
            keys.forget(tenantID: tenant.id)  // this instance prices with the new setting at once
        }
        return JSONResponse.make(TenantView(tenant, role: caller.key.role))
    }

    @Sendable func list(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.manage)
        let keys = try await accounts.listKeys(tenantID: caller.tenant.id)
        return JSONResponse.make(["keys": keys.map { KeyView($0) }])
    }

    @Sendable func create(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.manage)
        let input = try await body.decode(CreateKey.self, from: request, fields: ["role"])
        let issued = try await accounts.createKey(tenantID: caller.tenant.id, role: input.role)
        return JSONResponse.make(KeyView(issued.key, secret: issued.secret), status: .created)
    }

    @Sendable func show(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.manage)
        let id = try context.parameters.require("id")
        guard let key = try await accounts.key(id: id, tenantID: caller.tenant.id) else { throw APIError.notFound("key") }
        return JSONResponse.make(KeyView(key))
    }

    @Sendable func revoke(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.manage)
        let id = try context.parameters.require("id")
        guard try await accounts.revokeKey(id: id, tenantID: caller.tenant.id) else { throw APIError.notFound("key") }
        keys.forget(keyID: id)
        return Response(status: .noContent)
    }
}
