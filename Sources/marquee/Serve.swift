import ArgumentParser
import Hummingbird
import Server
import Storage

/// Runs the HTTP service until SIGTERM/SIGINT (in-flight requests finish, then exit 0).
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP service.")

    @OptionGroup var common: CommonOptions
    @OptionGroup var server: ServerOptions

    func run() async throws {
        let logger = common.makeLogger()
        let store = try await Store.open(try common.databaseConfiguration(), logger: logger)
        logger.info("starting", metadata: ["database": "\(store.configuration.redacted)", "address": "\(server.host):\(server.port)"])
        let app = MarqueeApp.build(store: store, configuration: server.configuration, logger: logger)
        try await app.runService()
    }
}

struct ServerOptions: ParsableArguments {
    @Option(help: "Address to listen on (env MARQUEE_HOST).")
    var host: String = Environment.string("MARQUEE_HOST") ?? "127.0.0.1"

    @Option(help: "Port to listen on (env MARQUEE_PORT).")
    var port: Int = Environment.int("MARQUEE_PORT") ?? 8080

    @Option(help: "Largest accepted request body in bytes (env MARQUEE_BODY_LIMIT).")
    var bodyLimit: Int = Environment.int("MARQUEE_BODY_LIMIT") ?? 1 << 20

    var configuration: ServerConfiguration {
        ServerConfiguration(host: host, port: port, bodyLimit: bodyLimit)
    }
}
