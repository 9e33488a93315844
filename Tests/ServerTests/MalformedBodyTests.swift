import Foundation
import Hummingbird
import Server
import TestSupport
import Testing

/// 1,000 malformed or oversized bodies spread over every POST, PUT and PATCH route: no 5xx, the
/// server stays up.
@Suite("Malformed bodies")
struct MalformedBodyTests {
    @Test(arguments: Backend.allCases)
    func malformedBodiesNeverGive5xx(backend: Backend) async throws {
        try await TestServer.with(backend, configuration: .init(host: "127.0.0.1", port: 0, bodyLimit: 64 * 1024)) { server in
            let acme = try await server.tenant()
            let routes = Self.bodyRoutes(server)
            #expect(routes.contains { $0.method == "PUT" } && routes.contains { $0.method == "PATCH" })
            var generator = SeededGenerator(state: 20_261_206)
            var statuses: [Int: Int] = [:]
            for index in 0..<1_000 {
                let (method, path) = routes[index % routes.count]
                let body = Self.badBody(index / routes.count, using: &generator)  // every route meets every kind of body
                let reply = try await server.request(method, path, key: acme.key, body: body)
                statuses[reply.status, default: 0] += 1
                #expect(reply.status < 500, "\(method) \(path) with body #\(index) gave \(reply.status): \(reply.text.prefix(200))")
                if reply.status >= 400 { #expect(reply.errorCode != nil) }
            }
            #expect(try await server.request("GET", "/livez").status == 200)
            #expect(statuses.keys.contains(413))
        }
    }

    /// Deep nesting at exactly the depth where Foundation's `JSONDecoder` traps (513 unclosed
    /// `[`, Swift 6.3.1), on every POST route: before bodies were checked by Marquee's parser
    /// first, this crashed the whole process.
    @Test func deepNestingIsA400OnEveryRoute() async throws {
        try await TestServer.with(.sqlite) { server in
            let acme = try await server.tenant()
            let bodies = [String(repeating: "[", count: 513), String(repeating: "[", count: 600),
                          String(repeating: "[", count: 513) + String(repeating: "]", count: 513)]
            for path in Self.postRoutes(server) {
                for body in bodies {
                    let reply = try await server.request("POST", path, key: acme.key, body: Data(body.utf8))
                    #expect(reply.status >= 400 && reply.status < 500, "POST \(path) with \(body.count) bytes of nesting gave \(reply.status)")
                }
            }
            #expect(try await server.request("GET", "/livez").status == 200)
        }
    }

    /// U+0000 in any string (a `\u0000` escape) is a 400 with its path on both backends: on
    /// PostgreSQL, whose text cannot hold it, saving one gave 500. An escaped backslash followed
    /// by `u0000` is ordinary text and is saved.
    @Test(arguments: Backend.allCases)
    func nulInTextIsA400WithItsPath(backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            let acme = try await server.tenant()
            for path in Self.postRoutes(server) {
                let reply = try await server.request("POST", path, key: acme.key, json: #"{"a": ["ok", "x\u0000y"]}"#)
                #expect(reply.status < 500, "POST \(path) gave \(reply.status): \(reply.text.prefix(200))")
            }
            let promotion = try await server.request("POST", "/v1/promotions", key: acme.key,
                                                     json: #"{"id": "p\u0000", "name": "P", "action": {"type": "percentOff", "percent": "10"}}"#)
            #expect(promotion.status == 400)
            #expect(promotion.errorPath == "/id")
            let filter = try await server.request("POST", "/v1/filters", key: acme.key,
                                                  json: #"{"name": "f", "sql": "SELECT 1", "parameters": {"k\u0000": "string"}}"#)
            #expect(filter.status == 400)
            #expect(filter.errorPath == "/parameters/k\u{0}")
            let coupon = try await server.request("POST", "/v1/coupons", key: acme.key, json: #"{"code": "A\u0000B", "promotion": "p"}"#)
            #expect(coupon.status == 400)
            #expect(coupon.errorPath == "/code")
            let plain = try await server.request("POST", "/v1/promotions", key: acme.key,
                                                 json: #"{"id": "q", "name": "a\\u0000b", "action": {"type": "percentOff", "percent": "10"}}"#)
            #expect(plain.status == 201, "\(plain.text)")
            let query = try await server.request("GET", "/v1/coupons?after=a%00b", key: acme.key)  // was 500 on PostgreSQL
            #expect(query.status == 400)
            #expect(query.errorCode == "invalid_value")
            #expect(try await server.request("GET", "/livez").status == 200)
        }
    }

    /// Every POST route of the server's router as a request path (parameters filled in).
    static func postRoutes(_ server: TestServer) -> [String] {
        bodyRoutes(server).filter { $0.method == "POST" }.map(\.path)
    }

    /// Every route that takes a body (POST, PUT, PATCH), path parameters filled in with `x`.
    static func bodyRoutes(_ server: TestServer) -> [(method: String, path: String)] {
        let router = MarqueeApp.router(store: server.store, configuration: .init(), readiness: Readiness(pending: []))
        return router.routes.filter { [.post, .put, .patch].contains($0.method) }.map { route in
            let path = "\(route.path)".split(separator: "/").map { $0.hasPrefix(":") ? "x" : String($0) }.joined(separator: "/")
            return (route.method.rawValue, "/" + path)
        }
    }

    static func badBody(_ index: Int, using generator: inout SeededGenerator) -> Data {
        switch index % 8 {
        case 0: return Data((0..<Int.random(in: 1...512, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) })
        case 1: return Data(String(repeating: "[", count: Int.random(in: 1...5000, using: &generator)).utf8)
        case 2: return Data(#"{"role": "admin""#.utf8)
        case 3: return Data(repeating: 0x61, count: 70 * 1024)  // over the limit
        case 4: return Data(#"{"role": null, "x": [1, 2, {"#.utf8)
        case 5: return Data("\u{FEFF}{\"a\":\"\\ud800\"}".utf8)
        case 6: return Data(#"[1, 2, 3]"#.utf8)
        default: return Data(#"{"condition": {"$and": [{"a": {"$gtt": 1}}]}, "document": 5, "role": 12}"#.utf8)
        }
    }
}
