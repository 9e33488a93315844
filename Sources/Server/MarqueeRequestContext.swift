import Accounts
import HTTPTypes
import Hummingbird

/// Per-request state: the request id and, on `/v1` routes, the authenticated key.
public struct MarqueeRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var requestID: String = ""
    public var principal: Principal?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }

    /// The authenticated caller; throws 401 if there is none (a route outside the auth group).
    public func caller() throws -> Principal {
        guard let principal else { throw APIError.unauthorized() }
        return principal
    }

    /// The authenticated caller, if its role allows `permission`; 403 otherwise.
    public func require(_ permission: Permission) throws -> Principal {
        let principal = try caller()
        guard principal.key.role.allows(permission) else {
            throw APIError(status: .forbidden, code: "forbidden",
                           message: "a key with role \"\(principal.key.role.rawValue)\" may not do this (needs role "
                               + Role.allCases.filter { $0.allows(permission) }.map { "\"\($0.rawValue)\"" }.joined(separator: " or ") + ")")
        }
        return principal
    }
}

/// Who is calling: an API key and its tenant.
public struct Principal: Sendable {
    public var key: APIKey
    public var tenant: Tenant
}
