import ArgumentParser
import Foundation
import Storage

/// `marquee member-source`: where a tenant's member data lives (operator only: the URL may
/// carry credentials, and the embedded database may belong to one tenant).
struct MemberSourceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "member-source", abstract: "Show or set a tenant's member source.",
        subcommands: [Set.self, Show.self])

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set (or with --none remove) a tenant's member source.")
        @OptionGroup var common: CommonOptions
        @Option(help: "Tenant name.") var tenant: String
        @Flag(help: "The member database beside Marquee's own (marquee-members.sqlite, or <db>_members on PostgreSQL; one tenant at most).") var embedded = false
        @Option(help: "A PostgreSQL URL postgres://user:pass@host:port/db.") var url: String?
        @Flag(help: "Remove the member source.") var none = false
        @Option(help: "Statement timeout of filter queries, seconds (default 30).") var statementTimeout: Double?
        @Option(help: "Filter queries at once (default 4).") var maxQueries: Int?

        func validate() throws {
            // Int(seconds * 1000) traps past Int's range (1e300, inf, nan); a timeout of 0 s or a
            // negative count means nothing to the server either.
            if let statementTimeout, !(0.001...86_400).contains(statementTimeout) {
                throw ValidationError("--statement-timeout must be 0.001…86400 seconds")
            }
            if let maxQueries, !(1...1_000).contains(maxQueries) { throw ValidationError("--max-queries must be 1…1000") }
        }

        func run() async throws {
            guard [embedded, url != nil, none].filter({ $0 }).count == 1 else {
                throw ValidationError("give exactly one of --embedded, --url, --none")
            }
            let logger = common.makeLogger()
            try await Store.withStore(try common.databaseConfiguration(), logger: logger) { store in
                guard let tenant = try await store.accounts.tenant(named: tenant) else { throw ValidationError("no tenant \(self.tenant)") }
                let settings: MemberSourceSettings? = none ? nil : MemberSourceSettings(
                    kind: embedded ? .embedded : .postgres(url: url!),
                    statementTimeout: statementTimeout.map { .milliseconds(Int($0 * 1000)) }, maxQueries: maxQueries)
                if let problem = settings?.problem(marquee: store.configuration) { throw ValidationError(problem) }
                try await store.memberSourceSettings.set(tenant: tenant.id, settings)
                print(settings?.redacted ?? "none")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a tenant's member source.")
        @OptionGroup var common: CommonOptions
        @Option(help: "Tenant name.") var tenant: String

        func run() async throws {
            let logger = common.makeLogger()
            try await Store.withStore(try common.databaseConfiguration(), logger: logger) { store in
                guard let tenant = try await store.accounts.tenant(named: tenant) else { throw ValidationError("no tenant \(self.tenant)") }
                print(try await store.memberSourceSettings.get(tenant: tenant.id)?.redacted ?? "none")
            }
        }
    }
}
