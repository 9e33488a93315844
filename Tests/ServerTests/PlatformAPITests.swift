import Foundation
import Server
import TestSupport
import Testing

@Suite("Platform behaviour over HTTP")
struct PlatformAPITests {
    @Test(arguments: Backend.allCases)
    func operationalEndpoints(backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            #expect(try await server.request("GET", "/livez").status == 200)
            let ready = try await server.ready()
            #expect(ready.status == 200)
            #expect(ready.json["status"] as? String == "ready")
            let spec = try await server.request("GET", "/openapi.yaml")
            #expect(spec.status == 200)
            #expect(spec.text.hasPrefix("openapi: 3.1"))

            _ = try await server.request("GET", "/v1/tenant")  // one request so the histogram has a series
            let metrics = try await server.request("GET", "/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.text.contains("# TYPE http_server_request_duration_seconds histogram"))
            #expect(metrics.text.contains(#"http_server_request_duration_seconds_bucket{method="GET",route="/v1/tenant",status="401""#))
            #expect(metrics.text.contains("http_server_requests_in_flight"))
        }
    }

    @Test(arguments: Backend.allCases)
    func requestIDsAreReturnedAndEchoed(backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            let generated = try await server.request("GET", "/livez")
            #expect(generated.header("X-Request-Id")?.isEmpty == false)
            let echoed = try await server.request("GET", "/livez", headers: ["X-Request-Id": "abc-123"])
            #expect(echoed.header("X-Request-Id") == "abc-123")
            let unsafe = try await server.request("GET", "/livez", headers: ["X-Request-Id": "bad id\u{7f}"])
            #expect(unsafe.header("X-Request-Id") != "bad id\u{7f}")
        }
    }

    @Test(arguments: Backend.allCases)
    func badBodiesGetJSONErrorsWithPaths(backend: Backend) async throws {
        try await TestServer.with(backend, configuration: .init(host: "127.0.0.1", port: 0, bodyLimit: 4096)) { server in
            let acme = try await server.tenant()
            let malformed = try await server.request("POST", "/v1/keys", key: acme.key, json: #"{"role": "#)
            #expect(malformed.status == 400)
            #expect(malformed.errorCode == "invalid_json")
            #expect(malformed.errorPath == "")

            let wrongType = try await server.request("POST", "/v1/keys", key: acme.key, json: #"{"role": 5}"#)
            #expect(wrongType.status == 400)
            #expect(wrongType.errorPath == "/role")

            let missing = try await server.request("POST", "/v1/keys", key: acme.key, json: "{}")
            #expect(missing.status == 400)
            #expect(missing.errorPath == "/role")

            let badValue = try await server.request("POST", "/v1/keys", key: acme.key, json: #"{"role": "root"}"#)
            #expect(badValue.status == 400)
            #expect(badValue.errorPath == "/role")

            let empty = try await server.request("POST", "/v1/keys", key: acme.key, body: Data())
            #expect(empty.status == 400)

            let huge = try await server.request("POST", "/v1/keys", key: acme.key, body: Data(repeating: 0x20, count: 10_000))
            #expect(huge.status == 413)
            #expect(huge.errorCode == "body_too_large")

            let unknownRoute = try await server.request("GET", "/v1/nope", key: acme.key)
            #expect(unknownRoute.status == 404)
            #expect(unknownRoute.errorCode == "not_found")
        }
    }
}
