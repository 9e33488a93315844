import Foundation
import HTTPTypes
import Hummingbird
import Storage
import Synchronization

/// Unauthenticated operational routes: liveness, readiness, metrics, the API contract.
struct OperationsController {
    let store: Store
    let readiness: Readiness
    let databaseProbe: DatabaseProbe

    func addRoutes(to router: Router<MarqueeRequestContext>) {
        router.get("livez") { _, _ in
            JSONResponse.make(["status": "ok"])
        }
        router.get("readyz") { _, _ in
            try await readyz()
        }
        router.get("metrics") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: Telemetry.registry.emitToBuffer())))
        }
        router.get("openapi.yaml") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/yaml; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: OpenAPISpec.text)))
        }
    }

    struct ReadyStatus: Encodable {
        var status: String
        var database: String
        var pending: [String]
    }

    func readyz() async throws -> Response {
        let pending = readiness.pendingSteps
        let databaseOK = await databaseProbe.answers(within: .seconds(2))
        let ready = pending.isEmpty && databaseOK
        let status = ReadyStatus(status: ready ? "ready" : "not_ready", database: databaseOK ? "ok" : "unreachable", pending: pending)
        return JSONResponse.make(status, status: ready ? .ok : .serviceUnavailable)
    }
}

/// Pings the database for `/readyz`: one ping at a time (a hung one is shared, not stacked up
/// by every probe), and the probe answers at its deadline even when the ping has not returned
/// (a PostgreSQL that stops answering held `/readyz` for minutes).
public final class DatabaseProbe: Sendable {
    let ping: @Sendable () async throws -> Void
    let inFlight = Mutex<SharedOutcome<Void>?>(nil)

    public init(ping: @escaping @Sendable () async throws -> Void) { self.ping = ping }

    public func answers(within limit: Duration) async -> Bool {
        let ping = inFlight.withLock { running in
            if let running { return running }
            let task = Task { [ping = self.ping] in
                defer { self.inFlight.withLock { $0 = nil } }
                try await ping()
            }
            running = SharedOutcome(task)
            return running!
        }
        if case .success? = await ping.outcome(within: limit) { return true }
        return false
    }
}
