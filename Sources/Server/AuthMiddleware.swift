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
        // `utf8.count <= 256` implies `count <= 256`; the character count is only computed for longer tokens.
        guard parts.count == 2, parts[0].lowercased() == "bearer", parts[1].utf8.count <= 256 || parts[1].count <= 256 else {
            throw APIError.unauthorized()
        }
        guard let principal = try await keys.authenticate(secret: Self.trimmed(parts[1])) else {
            throw APIError.unauthorized()
        }
        var context = context
        context.principal = principal
        context.logger[metadataKey: "tenant"] = .string(principal.tenant.name)
        return try await next(request, context)
    }

    /// `trimmingCharacters(in: .whitespaces)` of the token, skipping Foundation when it cannot
    /// change anything: every character of `.whitespaces` is a tab, a space or non-ASCII, so a
    /// token that starts and ends with a printable ASCII byte is returned as is.
    static func trimmed(_ token: Substring) -> String {
        if let first = token.utf8.first, let last = token.utf8.last,
           (0x21...0x7E).contains(first), (0x21...0x7E).contains(last) {
            return String(token)
        }
        return String(token).trimmingCharacters(in: .whitespaces)
    }
}
