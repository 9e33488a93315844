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

    func run() async throws {
        let logger = common.makeLogger()
        let database = try common.databaseConfiguration()
        // Seed first (migrating as needed), so the server loads the demo data at start-up.
        let key = try await Store.withStore(database, logger: logger) { store in try await DemoData.seed(store: store) }
        let store = try await Store.open(database, logger: logger)
        let base = "http://\(server.host):\(server.port)"
        let app = MarqueeApp.build(store: store, configuration: server.configuration, logger: logger) { _ in
            // Written straight to the file descriptor: print() is block-buffered when piped.
            FileHandle.standardOutput.write(Data((DemoData.instructions(base: base, key: key) + "\n").utf8))
        }
        try await app.runService()
    }
}
