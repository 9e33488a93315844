import Foundation
import Hummingbird
import Server
import Storage
import TestSupport
import Testing

/// Every route in the router is in openapi.yaml and every operation in openapi.yaml is routed.
@Suite("OpenAPI contract")
struct OpenAPIContractTests {
    @Test func routerMatchesSpec() async throws {
        try await TestDatabases.withStore(.sqlite) { store in
            let router = MarqueeApp.router(store: store, configuration: .init(), readiness: Readiness(pending: []))
            let routed = Set(router.routes.map { "\($0.method.rawValue) \(Self.normalise("\($0.path)"))" })
            let specified = Self.operations(in: OpenAPISpec.text)
            #expect(!specified.isEmpty)
            #expect(routed.subtracting(specified).sorted() == [], "routes missing from openapi.yaml")
            #expect(specified.subtracting(routed).sorted() == [], "operations in openapi.yaml with no route")
        }
    }

    @Test func specAtRepositoryRootIsTheBundledOne() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        #expect(text == OpenAPISpec.text)
    }

    /// `/v1/keys/:id` or `/v1/keys/{id}` → `/v1/keys/{}`.
    static func normalise(_ path: String) -> String {
        let withSlash = path.hasPrefix("/") ? path : "/" + path
        return withSlash.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix(":") || segment.hasPrefix("{") ? "{}" : String(segment)
        }.joined(separator: "/")
    }

    /// "METHOD /path" for every operation under `paths:` (two-space path keys, four-space methods).
    static func operations(in yaml: String) -> Set<String> {
        var result = Set<String>()
        var inPaths = false
        var currentPath: String?
        let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options"]
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" ") { inPaths = line.hasPrefix("paths:"); currentPath = nil; continue }
            guard inPaths else { continue }
            if line.hasPrefix("  /") {
                currentPath = normalise(String(line.dropFirst(2).prefix { $0 != ":" }))
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), let path = currentPath {
                let key = line.dropFirst(4).prefix { $0 != ":" }
                if methods.contains(String(key)) { result.insert("\(key.uppercased()) \(path)") }
            }
        }
        return result
    }
}
