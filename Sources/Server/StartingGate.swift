import Hummingbird
import Synchronization

/// Answers `/v1` requests with 503 `starting` until the promotions are in memory, so the port can
/// open (and `/livez` answer) during a long first load: before, the server did not listen until
/// then, and a liveness probe could kill an instance that was only loading.
final class StartingGate: RouterMiddleware, Sendable {
    typealias Context = MarqueeRequestContext
    let readiness: Readiness
    /// Once open it stays open: requests then pay one atomic load, not the readiness lock.
    let open = Atomic<Bool>(false)

    init(readiness: Readiness) {
        self.readiness = readiness
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if !open.load(ordering: .relaxed) {
            guard readiness.isDone("promotions") else {
                var error = APIError(status: .serviceUnavailable, code: "starting",
                                     message: "the instance is loading promotions and coupons; retry shortly")
                error.headers[.retryAfter] = "1"
                throw error
            }
            open.store(true, ordering: .relaxed)
        }
        return try await next(request, context)
    }
}
