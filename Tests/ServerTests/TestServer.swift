import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import Server
import ServiceLifecycle
import Synchronization
import Storage
import TestSupport

/// A real Marquee HTTP server on a loopback port, for API tests over real HTTP.
struct TestServer: Sendable {
    let baseURL: URL
    let store: Store

    /// How long a graceful stop may take before the test fails (the server's own drain is bounded
    /// by its shutdown settings; this only keeps a stuck stop from hanging the run).
    static let gracefulShutdownLimit = Duration.seconds(60)

    /// Starts the server on `backend`, runs `body`, stops the server. Without `database` the
    /// server gets one of its own (a new SQLite file, or a new PostgreSQL database dropped
    /// afterwards), so it neither loads nor refreshes other tests' tenants at start.
    static func with<T: Sendable>(
        _ backend: Backend, configuration: ServerConfiguration = .init(host: "127.0.0.1", port: 0),
        database: DatabaseConfiguration? = nil, graceful: Bool = false, waitForLoad: Bool = true,
        _ body: @Sendable (TestServer) async throws -> T
    ) async throws -> T {
        if let database {
            return try await serve(backend, configuration: configuration, database: database, graceful: graceful, waitForLoad: waitForLoad, body)
        }
        let (own, drop) = try await ownDatabase(backend)
        do {
            let result = try await serve(backend, configuration: configuration, database: own, graceful: graceful, waitForLoad: waitForLoad, body)
            try await drop()
            return result
        } catch {
            try? await drop()
            throw error
        }
    }

    static func serve<T: Sendable>(
        _ backend: Backend, configuration: ServerConfiguration, database: DatabaseConfiguration, graceful: Bool, waitForLoad: Bool,
        _ body: @Sendable (TestServer) async throws -> T
    ) async throws -> T {
        _ = heartbeats
        let id = TestDatabases.uniqueName("server")
        trace("\(id) \(backend): opening")
        let store = try await Store.open(database, logger: TestDatabases.logger)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let stopTrace = tracing ? StopTrace() : nil
        let app = MarqueeApp.build(store: store, configuration: configuration, logger: TestDatabases.logger, stopTrace: stopTrace) { channel in
            continuation.yield(channel.localAddress?.port ?? 0)
        }
        // Graceful runs wrap the application in a group that can be told to shut down gracefully.
        let shutdown = ServiceGroup(configuration: .init(services: [app], logger: TestDatabases.logger))
        // Each child answers whether it is the server that ended (false: the shutdown deadline).
        let stopWatch = Mutex<Task<Void, Never>?>(nil)
        defer { stopWatch.withLock { $0?.cancel() } }
        let result = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                defer { continuation.finish() }  // a server that fails to start ends the wait for its port
                if graceful { try await shutdown.run() } else { try await app.run() }
                return true
            }
            defer { group.cancelAll() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                _ = try await group.next()  // its error, if it threw
                throw TestEnvironmentError(message: "server did not start")
            }
            let server = TestServer(baseURL: URL(string: "http://127.0.0.1:\(port)")!, store: store)
            trace("\(id): listening on \(port)")
            if waitForLoad { try await server.waitForPromotions() }
            let result = try await body(server)
            trace("\(id): stopping")
            if let stopTrace {  // says what holds up a stop that takes long
                stopWatch.withLock { $0 = Task {
                    for seconds in stride(from: 30, through: 600, by: 30) {
                        guard (try? await Task.sleep(for: .seconds(30))) != nil else { return }
                        trace("\(id): still stopping after \(seconds) s; \(stopTrace.summary)")
                    }
                } }
            }
            if graceful {
                // As on SIGTERM: services drain in reverse order (the store last). Bounded, then cancelled.
                let started = ContinuousClock.now
                await shutdown.triggerGracefulShutdown()
                group.addTask {
                    try await Task.sleep(for: gracefulShutdownLimit)
                    return false
                }
                guard try await group.next() == true else {
                    throw TestEnvironmentError(message: "graceful shutdown did not finish within \(gracefulShutdownLimit)")
                }
                trace("\(id): graceful shutdown took \(ContinuousClock.now - started)")
            }
            group.cancelAll()
            return result
        }
        trace("\(id): stopped")
        return result
    }

    static let tracing = ProcessInfo.processInfo.environment["MARQUEE_TEST_TRACE"] != nil

    /// With MARQUEE_TEST_TRACE set, a "[heartbeat] …" line every 10 s from a Swift Concurrency
    /// sleep, from an NIO scheduled task and from a plain thread: when a run stalls, the watchdog
    /// (which does not count these lines as output) tells which of them still wake up.
    static let heartbeats: Void = {
        guard tracing else { return }
        let beat: @Sendable (String) -> Void = { kind in FileHandle.standardError.write(Data("[heartbeat] \(kind)\n".utf8)) }
        Task.detached {
            while true {
                try? await Task.sleep(for: .seconds(10))
                beat("concurrency")
            }
        }
        MultiThreadedEventLoopGroup.singleton.next().scheduleRepeatedTask(initialDelay: .seconds(10), delay: .seconds(10)) { _ in
            beat("nio")
        }
        Thread.detachNewThread {
            while true {
                Thread.sleep(forTimeInterval: 10)
                beat("thread")
            }
        }
    }()

    /// With MARQUEE_TEST_TRACE set, each server's start and stop on standard error (unbuffered),
    /// to tell a stuck start from a stuck stop.
    static func trace(_ message: String) {
        guard tracing else { return }
        FileHandle.standardError.write(Data("[TestServer] \(message)\n".utf8))
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

    /// Returns once the promotions are loaded (`/v1` answers 503 `starting` before).
    func waitForPromotions(limit: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + limit
        while (try await request("GET", "/readyz").json["pending"] as? [String] ?? []).contains(where: { $0 == "promotions" || $0 == "migrations" }) {
            guard ContinuousClock.now < deadline else { throw TestEnvironmentError(message: "promotions not loaded within \(limit)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

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
        var fields = headers.map { ($0.key, $0.value) }
        if let key { fields.append(("Authorization", "Bearer \(key)")) }
        if body != nil, headers.keys.allSatisfy({ $0.lowercased() != "content-type" }) {
            fields.append(("Content-Type", "application/json"))
        }
        let response = try await HTTPTestClient.send(host: baseURL.host ?? "127.0.0.1", port: baseURL.port ?? 80, method: method,
                                                     path: path, headers: fields, body: body.map { Array($0) })
        var replyHeaders: [String: String] = [:]
        for (name, value) in response.headers {
            replyHeaders[name] = replyHeaders[name].map { "\($0), \(value)" } ?? value
        }
        return Reply(status: response.status, headers: replyHeaders, body: Data(response.body))
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
