import Accounts
import ArgumentParser
import Foundation
import Storage

struct Tenants: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage tenants.", subcommands: [Create.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a tenant and print its first admin API key.")

        @Argument(help: "Tenant name: lowercase letters, digits, - and _.")
        var name: String

        @Flag(help: "Print {\"tenant\": …, \"apiKey\": …} as JSON.")
        var json = false

        @OptionGroup var common: CommonOptions

        func run() async throws {
            let logger = common.makeLogger()
            let name = self.name
            let issued = try await Store.withStore(try common.databaseConfiguration(), logger: logger) { store in
                let tenant = try await store.accounts.createTenant(name: name)
                return try await store.accounts.createKey(tenantID: tenant.id, role: .admin)
            }
            if json {
                printJSON(["tenant": name, "apiKey": issued.secret, "keyId": issued.key.id, "role": "admin"])
            } else {
                print("tenant \(name) created\nadmin API key \(issued.key.id) (shown once): \(issued.secret)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tenants.")

        @OptionGroup var common: CommonOptions

        func run() async throws {
            let logger = common.makeLogger()
            let tenants = try await Store.withStore(try common.databaseConfiguration(), logger: logger) { store in
                try await store.accounts.listTenants()
            }
            for tenant in tenants { print(tenant.name) }
        }
    }
}

/// Prints a flat JSON object with sorted keys.
func printJSON(_ object: [String: String]) {
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    print(String(decoding: data, as: UTF8.self))
}
