import ArgumentParser
import Storage

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending schema migrations (idempotent).")

    @OptionGroup var common: CommonOptions

    func run() async throws {
        let logger = common.makeLogger()
        let applied = try await Store.withStore(try common.databaseConfiguration(), logger: logger, migrate: false) { store in
            try await store.migrate()
        }
        print(applied.isEmpty ? "schema is up to date" : "applied migrations: \(applied.map(String.init).joined(separator: ", "))")
    }
}
