import Accounts
import Foundation
import ArgumentParser
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
        let store = try await Store.open(try common.databaseConfiguration(), logger: logger)
        let base = "http://\(server.host):\(server.port)"
        let app = MarqueeApp.build(store: store, configuration: server.configuration, logger: logger) { _ in
            do {
                let key = try await DemoData.seed(store: store)
                // Written straight to the file descriptor: print() is block-buffered when piped.
                FileHandle.standardOutput.write(Data((DemoData.instructions(base: base, key: key) + "\n").utf8))
            } catch {
                logger.error("demo data failed", metadata: ["error": "\(error)"])
            }
        }
        try await app.runService()
    }
}
