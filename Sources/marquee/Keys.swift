import Accounts
import ArgumentParser
import Storage

extension Role: ExpressibleByArgument {}

struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage API keys.", subcommands: [Create.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an API key for a tenant.")

        @Option(help: "Tenant name.") var tenant: String
        @Option(help: "admin, pricing or read.") var role: Role
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var common: CommonOptions

        func run() async throws {
            let logger = common.makeLogger()
            let (tenantName, role) = (tenant, self.role)
            let issued = try await Store.withStore(try common.databaseConfiguration(), logger: logger) { store in
                guard let tenant = try await store.accounts.tenant(named: tenantName) else { throw AccountError.unknownTenant(tenantName) }
                return try await store.accounts.createKey(tenantID: tenant.id, role: role)
            }
            if json {
                printJSON(["tenant": tenantName, "apiKey": issued.secret, "keyId": issued.key.id, "role": role.rawValue])
            } else {
                print("key \(issued.key.id) (\(role.rawValue)) for \(tenantName), shown once: \(issued.secret)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an API key.")

        @Option(help: "Tenant name.") var tenant: String
        @Argument(help: "Key id (as printed by keys create or GET /v1/keys).") var keyID: String
        @OptionGroup var common: CommonOptions

        func run() async throws {
            let logger = common.makeLogger()
            let (tenantName, keyID) = (tenant, self.keyID)
            let revoked = try await Store.withStore(try common.databaseConfiguration(), logger: logger) { store in
                guard let tenant = try await store.accounts.tenant(named: tenantName) else { throw AccountError.unknownTenant(tenantName) }
                return try await store.accounts.revokeKey(id: keyID, tenantID: tenant.id)
            }
            guard revoked else { throw ValidationError("no active key \(keyID) for tenant \(tenantName)") }
            print("revoked \(keyID)")
        }
    }
}
