import ArgumentParser
import Logging
import CinemaData
import Foundation
import Storage

/// `marquee demo-data`: generates the cinema loyalty dataset for a tenant (the embedded
/// database by default, or a PostgreSQL member database with `--into`), sets the tenant's
/// member source, and installs the filter catalog and saved audiences.
struct DemoDataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-data", abstract: "Generate a cinema loyalty dataset, a filter catalog and saved audiences.")

    @OptionGroup var common: CommonOptions

    @Option(help: "Members to generate (about 20 transactions each).")
    var members: Int = 100_000

    @Option(help: "The tenant (created when missing).")
    var tenant: String = "demo"

    @Option(help: "A PostgreSQL URL to generate into (the tenant's member source); default: the embedded database.")
    var into: String?

    func run() async throws {
        let logger = common.makeLogger()
        try await CinemaDemo.generate(database: try common.databaseConfiguration(), tenant: tenant, members: members, into: into,
                                      logger: logger)
    }
}

/// Shared by `demo-data` and `demo`.
enum CinemaDemo {
    static func generate(database: DatabaseConfiguration, tenant name: String, members: Int, into: String?,
                         logger: Logger) async throws
    {
        guard members >= 1 else { throw ValidationError("--members must be at least 1") }
        let intoSettings = into.map { MemberSourceSettings(kind: .postgres(url: $0)) }
        if let problem = intoSettings?.problem(marquee: database) {
            throw ValidationError(problem.replacingOccurrences(of: "a member source URL", with: "--into"))
        }
        try await Store.withStore(database, logger: logger) { store in
            let existing = try await store.accounts.tenant(named: name)
            let tenant = if let existing { existing } else { try await store.accounts.createTenant(name: name) }
            if existing == nil {  // a new tenant: without a key nothing could use its audiences
                let key = try await store.accounts.createKey(tenantID: tenant.id, role: .admin)
                // Unbuffered: the progress bar (stderr) follows, and print() is block-buffered when piped.
                FileHandle.standardOutput.write(Data("tenant \(name) created; admin API key (shown once): \(key.secret)\n".utf8))
            }
            let bar = ProgressBar(label: "members \(members)")
            if let into, let intoSettings {
                let target = try DatabaseConfiguration(url: into)
                do {
                    try await Store.withStore(target, logger: logger, migrate: false) { target in
                        try await CinemaGenerator(database: target.database, members: members).run(progress: bar.update)
                    }
                } catch {
                    // postgres-nio reports a missing database as a tripped circuit breaker.
                    throw ValidationError("generating into \(target.redacted) failed: \(error). The database must exist "
                                          + "(e.g. createdb) and the URL's user must be able to create tables in it.")
                }
                try await store.memberSourceSettings.set(tenant: tenant.id, intoSettings)
            } else {
                if let owner = try await store.memberSourceSettings.embeddedOwner(), owner != tenant.id {
                    throw ValidationError("the embedded member database belongs to another tenant; use --into postgres://…")
                }
                try await store.createEmbeddedMembersDatabase()
                try await Store.withStore(database.embeddedMembers, logger: logger, migrate: false) { target in
                    try await CinemaGenerator(database: target.database, members: members).run(progress: bar.update)
                }
                if try await store.memberSourceSettings.get(tenant: tenant.id)?.kind != .embedded {
                    try await store.memberSourceSettings.set(tenant: tenant.id, MemberSourceSettings(kind: .embedded))
                }
            }
            try await CinemaTenant.install(store: store, tenant: tenant.id)
            FileHandle.standardError.write(Data("tenant \(name): \(CinemaCatalog.filters.count) filters, \(CinemaCatalog.audiences.count) audiences\n".utf8))
        }
    }

    /// Whether `tenant` already has cinema data (a member source, filters, and for the embedded
    /// source its `members` table: data generated into Marquee's own file before the member
    /// database moved beside it is not found there).
    static func present(database: DatabaseConfiguration, tenant name: String, logger: Logger) async throws -> Bool {
        let settings = try await Store.withStore(database, logger: logger) { store -> MemberSourceSettings? in
            guard let tenant = try await store.accounts.tenant(named: name),
                  try await !store.filters.list(tenant: tenant.id).isEmpty,
                  let settings = try await store.memberSourceSettings.get(tenant: tenant.id) else { return nil }
            if settings.kind == .embedded { try await store.createEmbeddedMembersDatabase() }
            return settings
        }
        guard let settings else { return false }
        guard settings.kind == .embedded else { return true }
        return await (try? Store.withStore(database.embeddedMembers, logger: logger, migrate: false) { members in
            try await members.database.query("SELECT id FROM members LIMIT 1").count
        }) == 1
    }
}

extension CinemaDemo {
    /// curl lines for the audiences part of the demo.
    static func instructions(base: String) -> String {
        """

        Audiences (cinema loyalty data, \(CinemaCatalog.filters.count) filters, saved audiences):

          curl -s -H "Authorization: Bearer $KEY" \(base)/v1/filters
          curl -s -X POST -H "Authorization: Bearer $KEY" \(base)/v1/audiences/horror-fans/evaluate
          curl -s -X POST -H "Authorization: Bearer $KEY" \(base)/v1/audiences/evaluate -d '{"definition": {"all": [{"filter": "watched_genre", "params": {"genre": "horror", "since": "2024-01-01"}}, {"filter": "lives_in", "params": {"city": "Oslo"}, "exclude": true}]}}'
          curl -s -H "Authorization: Bearer $KEY" "\(base)/v1/audiences/horror-fans/members?limit=5"
          curl -s -H "Authorization: Bearer $KEY" -H "Accept: text/csv" "\(base)/v1/audiences/lapsed-gold/members?limit=5"
          curl -s -X POST -H "Authorization: Bearer $KEY" \(base)/v1/audiences/horror-fans/snapshots

        Pricing for an audience (promotion "horror-snacks" targets {"customer.audiences": "horror-fans"}):

          M=$(curl -s -H "Authorization: Bearer $KEY" "\(base)/v1/audiences/horror-fans/members?limit=1" | grep -o '[0-9]\\+' | head -1)
          curl -s -H "Authorization: Bearer $KEY" \(base)/v1/carts/price -d '{"currency": "EUR", "customer": {"id": '"$M"'}, "lines": [{"id": "1", "sku": "popcorn-l", "quantity": 1, "unitPrice": "6.50", "category": "snacks"}]}'
        """
    }
}
