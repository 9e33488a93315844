import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hummingbird
import Logging
import NIOCore
import Server
import ServiceLifecycle
import Storage
import TestSupport

/// A real Marquee HTTP server on a loopback port, for API tests over real HTTP.
struct TestServer: Sendable {
    let baseURL: URL
    let store: Store

    /// Starts the server on `backend`, runs `body`, stops the server.
    static func with<T: Sendable>(
        _ backend: Backend, configuration: ServerConfiguration = .init(host: "127.0.0.1", port: 0),
        database: DatabaseConfiguration? = nil, graceful: Bool = false,
        _ body: @Sendable (TestServer) async throws -> T
    ) async throws -> T {
        let store = try await Store.open(try database ?? TestDatabases.configuration(backend), logger: TestDatabases.logger)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = MarqueeApp.build(store: store, configuration: configuration, logger: TestDatabases.logger) { channel in
            continuation.yield(channel.localAddress?.port ?? 0)
        }
        // Graceful runs wrap the application in a group that can be told to shut down gracefully.
        let shutdown = ServiceGroup(configuration: .init(services: [app], logger: TestDatabases.logger))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { if graceful { try await shutdown.run() } else { try await app.run() } }
            defer { group.cancelAll() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw TestEnvironmentError(message: "server did not start") }
            let server = TestServer(baseURL: URL(string: "http://127.0.0.1:\(port)")!, store: store)
            let result = try await body(server)
            if graceful {
                // As on SIGTERM: services drain in reverse order (the store last). Bounded, then cancelled.
                await shutdown.triggerGracefulShutdown()
                group.addTask { try await Task.sleep(for: .seconds(20)) }
                _ = try await group.next()
            }
            group.cancelAll()
            return result
        }
    }

    struct Reply: Sendable {
        var status: Int
        var headers: [String: String]
        var body: Data

        /// The body as a JSON object (empty when it is not one).
        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        }

        var text: String { String(decoding: body, as: UTF8.self) }

        var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
        var errorPath: String? { (json["error"] as? [String: Any])?["path"] as? String }

        func header(_ name: String) -> String? {
            headers.first { $0.key.lowercased() == name.lowercased() }?.value
        }
    }

    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 30
        configuration.httpMaximumConnectionsPerHost = 16
        return URLSession(configuration: configuration)
    }()

    /// `/readyz` once it answers 200, or its last answer after `limit` (a server becomes ready
    /// after start-up work: pre-warming and audience memberships, bounded by their budgets —
    /// tests share one PostgreSQL database, so a start can meet other tests' stored usage).
    func ready(limit: Duration = .seconds(60)) async throws -> Reply {
        let deadline = ContinuousClock.now + limit
        while true {
            let reply = try await request("GET", "/readyz")
            if reply.status == 200 || ContinuousClock.now >= deadline { return reply }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    func request(_ method: String, _ path: String, key: String? = nil, body: Data? = nil, headers: [String: String] = [:]) async throws -> Reply {
        var request = URLRequest(url: URL(string: path, relativeTo: baseURL)!)
        request.httpMethod = method
        if let key { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await Self.session.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields { fields["\(name)"] = "\(value)" }
        return Reply(status: http.statusCode, headers: fields, body: data)
    }

    func request(_ method: String, _ path: String, key: String? = nil, json: String, headers: [String: String] = [:]) async throws -> Reply {
        try await request(method, path, key: key, body: Data(json.utf8), headers: headers)
    }

    /// A new tenant with an admin key.
    func tenant() async throws -> (name: String, key: String) {
        let name = TestDatabases.uniqueName("acme")
        let tenant = try await store.accounts.createTenant(name: name)
        return (name, try await store.accounts.createKey(tenantID: tenant.id, role: .admin).secret)
    }
}

extension TestServer {
    /// A fresh database for `backend` and how to drop it.
    static func ownDatabase(_ backend: Backend) async throws -> (DatabaseConfiguration, @Sendable () async throws -> Void) {
        switch backend {
        case .sqlite:
            return (try TestDatabases.configuration(.sqlite), {})
        case .postgres:
            let name = "marquee_" + TestDatabases.uniqueName("own").replacingOccurrences(of: "-", with: "_")
            let admin = try TestDatabases.configuration(.postgres)
            try await Store.withStore(admin, logger: TestDatabases.logger, migrate: false) { _ = try await $0.database.query("CREATE DATABASE \(name)") }
            var components = URLComponents(string: try TestDatabases.postgresURL())
            components?.path = "/" + name
            guard let url = components?.string else { throw TestEnvironmentError(message: "bad MARQUEE_TEST_POSTGRES_URL") }
            return (try DatabaseConfiguration(url: url), {
                try await Store.withStore(admin, logger: TestDatabases.logger, migrate: false) {
                    _ = try await $0.database.query("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
                }
            })
        }
    }
}
