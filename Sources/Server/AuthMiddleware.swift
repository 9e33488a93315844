import Foundation
import HTTPTypes
import Hummingbird

/// Requires `Authorization: Bearer <key>` on every `/v1` route; 401 otherwise.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = MarqueeRequestContext
    let keys: KeyCache

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else { throw APIError.unauthorized() }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", parts[1].count <= 256 else {
            throw APIError.unauthorized()
        }
        guard let principal = try await keys.authenticate(secret: String(parts[1]).trimmingCharacters(in: .whitespaces)) else {
            throw APIError.unauthorized()
        }
        var context = context
        context.principal = principal
        context.logger[metadataKey: "tenant"] = .string(principal.tenant.name)
        return try await next(request, context)
    }
}
