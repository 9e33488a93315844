import Accounts
import ArgumentParser
import Foundation
import Hummingbird
import Server
import Storage

/// Seeds a demo tenant on the embedded database, prints a key and curl lines, then serves.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run Marquee with demo data and print curl lines to try it.")

    @OptionGroup var common: CommonOptions
    @OptionGroup var server: ServerOptions

    @Option(help: "Members in the generated cinema dataset (first run only; `demo-data` regenerates).")
    var members: Int = 20_000

    func run() async throws {
        let logger = common.makeLogger()
        let database = try common.databaseConfiguration()
        // Seed first (migrating as needed), so the server loads the demo data at start-up.
        let key = try await Store.withStore(database, logger: logger) { store in try await DemoData.seed(store: store) }
        if try await !CinemaDemo.present(database: database, tenant: DemoData.tenant, logger: logger) {
            try await CinemaDemo.generate(database: database, tenant: DemoData.tenant, members: members, into: nil, logger: logger)
        }
        let store = try await Store.open(database, logger: logger)
        let base = "http://\(server.host):\(server.port)"
        let app = MarqueeApp.build(store: store, configuration: server.configuration, logger: logger) { _ in
            // Written straight to the file descriptor: print() is block-buffered when piped.
            FileHandle.standardOutput.write(Data((DemoData.instructions(base: base, key: key) + CinemaDemo.instructions(base: base) + "\nStop with Ctrl-C.\n").utf8))
        }
        try await MarqueeApp.runUntilSignalled(app, gracefulShutdownLimit: .seconds(server.shutdownTimeout), logger: logger)
    }
}
