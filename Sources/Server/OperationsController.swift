import Foundation
import HTTPTypes
import Hummingbird
import Storage

/// Unauthenticated operational routes: liveness, readiness, metrics, the API contract.
struct OperationsController {
    let store: Store
    let readiness: Readiness

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
        let databaseOK = await withTimeout(.seconds(2)) { try await store.ping() }
        let ready = pending.isEmpty && databaseOK
        let status = ReadyStatus(status: ready ? "ready" : "not_ready", database: databaseOK ? "ok" : "unreachable", pending: pending)
        return JSONResponse.make(status, status: ready ? .ok : .serviceUnavailable)
    }

    /// Whether `body` finished without error within `limit`.
    func withTimeout(_ limit: Duration, _ body: @escaping @Sendable () async throws -> Void) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { (try? await body()) != nil }
            group.addTask { try? await Task.sleep(for: limit); return false }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }
}
