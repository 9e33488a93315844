import Hummingbird
import ServiceLifecycle
import Synchronization

/// Which of an application's services and requests are still running, to tell what holds up a
/// stop that does not finish. The API tests pass one to `MarqueeApp.build` and print it when a
/// server takes long to stop; production builds none (no cost on the request path).
public final class StopTrace: Sendable {
    struct State {
        var services: [String: Bool] = [:]  // name -> still running
        var requests: [String: Int] = [:]  // "METHOD /path" -> in flight
    }

    let state = Mutex(State())

    public init() {}

    /// "services running: […]; requests in flight: […]".
    public var summary: String {
        state.withLock { state in
            let stages = self.stages.withLock { $0 }
            let services = state.services.filter(\.value).keys.sorted().map { name in stages[name].map { "\(name) (\($0.stage))" } ?? name }
            let requests = state.requests.filter { $0.value > 0 }.map { "\($0.key) ×\($0.value)" }.sorted()
            return "services running: \(services); requests in flight: \(requests)"
        }
    }

    func wrap(_ service: any Service) -> any Service {
        TracedService(name: String(describing: type(of: service)), base: service, trace: self)
    }

    /// Stages of the running services that report one.
    let stages = Mutex<[String: any ReportsStage]>([:])

    func setRunning(_ name: String, _ running: Bool) {
        state.withLock { $0.services[name] = running }
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
        if let staged = base as? any ReportsStage { trace.stages.withLock { $0[name] = staged } }
        trace.setRunning(name, true)
        defer { trace.setRunning(name, false) }
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
