import ArgumentParser
import Foundation
import Logging
import Server
import Storage

/// Where the state lives and how to log; shared by every subcommand.
struct CommonOptions: ParsableArguments {
    @Option(help: "Database URL: postgres://user:pass@host:port/db or sqlite:///path (env MARQUEE_DATABASE_URL). Default: an SQLite file in the data directory.")
    var database: String = Environment.string("MARQUEE_DATABASE_URL") ?? ""

    @Option(help: "Directory for the embedded database (env MARQUEE_DATA_DIR).")
    var dataDir: String = Environment.string("MARQUEE_DATA_DIR") ?? "data"

    @Option(help: "Log format: text or json (env MARQUEE_LOG_FORMAT).")
    var logFormat: LogFormat = Environment.value("MARQUEE_LOG_FORMAT") { LogFormat(rawValue: $0) } ?? .text

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (env MARQUEE_LOG_LEVEL).")
    var logLevel: String = Environment.string("MARQUEE_LOG_LEVEL") ?? "info"

    enum LogFormat: String, ExpressibleByArgument {
        case text, json
    }

    func validate() throws {
        try Environment.throwIfInvalid()  // every option group's defaults are read by now
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("log level \(logLevel) is not one of " + Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))
        }
    }

    func databaseConfiguration() throws -> DatabaseConfiguration {
        if !database.isEmpty {
            return try DatabaseConfiguration(url: database)
        }
        return .sqlite(path: URL(fileURLWithPath: dataDir).appendingPathComponent("marquee.sqlite").path)
    }

    /// Bootstraps swift-log (once per process) and returns the root logger.
    func makeLogger() -> Logger {
        let level = Logger.Level(rawValue: logLevel) ?? .info  // checked by validate()
        let json = logFormat == .json
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "marquee")
        logger.logLevel = level
        return logger
    }
}
