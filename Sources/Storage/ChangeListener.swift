import Foundation
import Logging
import NIOCore
import PostgresNIO

/// PostgreSQL `LISTEN marquee_changes` on a dedicated connection: turns notifications into
/// wake-ups for the change follower. A wake-up only says "look"; the follower then catches up
/// by version, so a lost notification costs latency (until the next poll), never a change.
///
/// The connection is re-established with capped exponential back-off (100 ms → 10 s, with
/// jitter, reset once listening again); each (re)connect also produces a wake-up, to catch up on
/// whatever was committed while it was down.
public struct ChangeListener: Sendable {
    public static let channel = "marquee_changes"
    let settings: DatabaseConfiguration.PostgresSettings
    let applicationName: String
    let logger: Logger

    public init(settings: DatabaseConfiguration.PostgresSettings, applicationName: String, logger: Logger) {
        self.settings = settings
        self.applicationName = applicationName
        self.logger = logger
    }

    /// Listens until cancelled, calling `wake` per notification and after every (re)connect;
    /// `reconnected` is called for each re-established connection.
    public func run(wake: @Sendable @escaping () -> Void, reconnected: @Sendable @escaping () -> Void) async {
        var backoff = Backoff()
        var connectedBefore = false
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connect(
                    configuration: connectionConfiguration(), id: 1, logger: logger)
                defer { Task { try? await connection.close() } }
                try await connection.listen(on: Self.channel) { notifications in
                    backoff.reset()
                    if connectedBefore { reconnected() }
                    connectedBefore = true
                    wake()  // catch up on anything committed before LISTEN took effect
                    for try await _ in notifications { wake() }
                }
                if Task.isCancelled { return }
                logger.warning("change listener: notification stream ended; reconnecting")
            } catch {
                if Task.isCancelled { return }
                logger.warning("change listener: connection lost; reconnecting", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: backoff.next())
        }
    }

    func connectionConfiguration() -> PostgresConnection.Configuration {
        var configuration = PostgresConnection.Configuration(
            host: settings.host, port: settings.port, username: settings.username, password: settings.password,
            database: settings.database, tls: settings.requireTLS ? .require(try! .init(configuration: .makeClientConfiguration())) : .disable)
        configuration.options.additionalStartupParameters = [("application_name", applicationName)]
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }
}
