import HTTPTypes
import Hummingbird
import Metrics

/// Request count and duration per route, method and status, and requests in flight.
struct HTTPMetricsMiddleware: RouterMiddleware {
    typealias Context = MarqueeRequestContext
    let inFlight = Meter(label: "http_server_requests_in_flight")

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        inFlight.increment()
        defer { inFlight.decrement() }
        let response = try await next(request, context)
        // Unmatched paths share one label, so random URLs cannot grow the metric set.
        let dimensions = [
            ("method", request.method.rawValue),
            ("route", context.endpointPath ?? "unmatched"),
            ("status", String(response.status.code)),
        ]
        Counter(label: "http_server_requests_total", dimensions: dimensions).increment()
        Timer(label: "http_server_request_duration_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds)
            .recordInterval(since: start)
        return response
    }
}

extension Timer {
    func recordInterval(since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }
}
