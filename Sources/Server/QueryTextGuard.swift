import Hummingbird

/// Refuses a query string carrying U+0000 (`%00`): PostgreSQL text cannot hold it, so a query
/// parameter with one (`/v1/coupons?after=a%00b`) failed with 500.
struct QueryTextGuard: RouterMiddleware {
    typealias Context = MarqueeRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let query = request.uri.query, query.utf8.count >= 3, query.contains("%00") {
            throw APIError.badRequest("query parameters may not contain U+0000 (%00)", code: "invalid_value")
        }
        return try await next(request, context)
    }
}
