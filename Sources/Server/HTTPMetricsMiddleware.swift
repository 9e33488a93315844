import Hummingbird
import Metrics
import Synchronization

/// Request count and duration per route, method and status, and requests in flight.
struct HTTPMetricsMiddleware: RouterMiddleware {
    typealias Context = MarqueeRequestContext
    let inFlight = Meter(label: "http_server_requests_in_flight")
    let series = SeriesCache()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        inFlight.increment()
        defer { inFlight.decrement() }
        let response = try await next(request, context)
        // Unmatched paths share one label, so random URLs cannot grow the metric set.
        let metrics = series.metrics(method: request.method.rawValue, route: context.endpointPath ?? "unmatched", status: response.status.code)
        metrics.counter.increment()
        metrics.timer.recordInterval(since: start)
        return response
    }

    /// The counter and timer of each (method, route, status), made once: creating them per
    /// request goes through the metrics factory's registry lookups every time.
    final class SeriesCache: Sendable {
        struct Key: Hashable {
            var method: String
            var route: String
            var status: Int
        }

        struct Series: Sendable {
            var counter: Counter
            var timer: Metrics.Timer
        }

        let cache = Mutex<[Key: Series]>([:])

        func metrics(method: String, route: String, status: Int) -> Series {
            let key = Key(method: method, route: route, status: status)
            if let series = cache.withLock({ $0[key] }) { return series }
            let dimensions = [("method", method), ("route", route), ("status", String(status))]
            let series = Series(
                counter: Counter(label: "http_server_requests_total", dimensions: dimensions),
                timer: Metrics.Timer(label: "http_server_request_duration_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds))
            cache.withLock { $0[key] = series }
            return series
        }
    }
}

extension Metrics.Timer {
    func recordInterval(since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }
}
