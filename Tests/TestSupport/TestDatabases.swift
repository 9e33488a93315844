import Foundation
import Logging
import Storage

/// The storage backends every conformance and API test runs against.
public enum Backend: String, CaseIterable, Sendable {
    case sqlite
    case postgres

}


public enum TestDatabases {
    public static let logger: Logger = {
        var logger = Logger(label: "marquee-test")
        logger.logLevel = .warning
        return logger
    }()

    /// The PostgreSQL test server. Required: tests fail (never skip) without it, so CI cannot
    /// go green without really exercising PostgreSQL. `scripts/test.sh` starts one.
    public static func postgresURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["MARQUEE_TEST_POSTGRES_URL"], !url.isEmpty else {
            throw TestEnvironmentError(message: "MARQUEE_TEST_POSTGRES_URL is not set: run the suite with scripts/test.sh, which starts a throwaway PostgreSQL")
        }
        return url
    }

    /// The test server's `postgres` maintenance database: a member source for filters that read
    /// no tables (a member source may not be Marquee's own database).
    public static func otherPostgresURL() throws -> String {
        guard var components = URLComponents(string: try postgresURL()) else { throw TestEnvironmentError(message: "bad MARQUEE_TEST_POSTGRES_URL") }
        components.path = "/postgres"
        guard let url = components.string else { throw TestEnvironmentError(message: "bad MARQUEE_TEST_POSTGRES_URL") }
        return url
    }

    public static func configuration(_ backend: Backend) throws -> DatabaseConfiguration {
        switch backend {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory
                .appendingPathComponent("marquee-test-\(UUID().uuidString)").appendingPathComponent("test.sqlite").path
            return .sqlite(path: path)
        case .postgres:
            return try DatabaseConfiguration(url: postgresURL())
        }
    }

    /// Runs `body` with a migrated store on `backend` (a fresh SQLite file, or the shared test PostgreSQL).
    public static func withStore<T: Sendable>(_ backend: Backend, _ body: @Sendable (Store) async throws -> T) async throws -> T {
        try await Store.withStore(configuration(backend), logger: logger, body)
    }

    /// A name no other test uses (tests share the PostgreSQL database).
    public static func uniqueName(_ prefix: String = "t") -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }
}

public struct TestEnvironmentError: Error, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
