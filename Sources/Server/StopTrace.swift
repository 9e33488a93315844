import Hummingbird
import ServiceLifecycle
import Synchronization

/// Which of an application's services and requests are still running, to tell what holds up a
/// stop that does not finish. The API tests pass one to `MarqueeApp.build` and print it when a
/// server takes long to stop; production builds none (no cost on the request path).
public final class StopTrace: Sendable {
    struct State {
        var running: [String: (any ReportsStage)?] = [:]  // service name -> its stage, if it reports one
        var requests: [String: Int] = [:]  // "METHOD /path" -> in flight
    }

    let state = Mutex(State())

    public init() {}

    /// "services running: […]; requests in flight: […]".
    public var summary: String {
        state.withLock { state in
            let services = state.running.map { name, staged in staged.map { "\(name) (\($0.stage))" } ?? name }.sorted()
            let requests = state.requests.map { "\($0.key) ×\($0.value)" }.sorted()
            return "services running: \(services); requests in flight: \(requests)"
        }
    }

    func wrap(_ service: any Service) -> any Service {
        TracedService(name: String(describing: type(of: service)), base: service, trace: self)
    }

    func started(_ name: String, _ service: any Service) {
        state.withLock { $0.running[name] = .some(service as? any ReportsStage) }
    }

    func stopped(_ name: String) {
        state.withLock { _ = $0.running.removeValue(forKey: name) }
    }

    func request(_ key: String, delta: Int) {
        state.withLock { state in
            let count = state.requests[key, default: 0] + delta
            state.requests[key] = count == 0 ? nil : count
        }
    }
}

/// A service that can say what it is doing, shown by `StopTrace` while it runs.
public protocol ReportsStage: Sendable {
    var stage: String { get }
}

struct TracedService: Service {
    let name: String
    let base: any Service
    let trace: StopTrace

    func run() async throws {
        trace.started(name, base)
        defer { trace.stopped(name) }
        try await base.run()
    }
}

struct InFlightTraceMiddleware: RouterMiddleware {
    typealias Context = MarqueeRequestContext
    let trace: StopTrace

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let key = "\(request.method.rawValue) \(request.uri.path)"
        trace.request(key, delta: 1)
        defer { trace.request(key, delta: -1) }
        return try await next(request, context)
    }
}
