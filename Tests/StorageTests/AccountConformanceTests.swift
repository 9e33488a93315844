import Accounts
import Foundation
import Storage
import TestSupport
import Testing

/// The account repository contract, run against both backends.
@Suite("Account repository conformance")
struct AccountConformanceTests {
    @Test(arguments: Backend.allCases)
    func createsAndFindsTenants(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let name = TestDatabases.uniqueName("acme")
            let tenant = try await store.accounts.createTenant(name: name)
            #expect(tenant.name == name)
            #expect(try await store.accounts.tenant(named: name) == tenant)
            #expect(try await store.accounts.tenant(id: tenant.id) == tenant)
            #expect(try await store.accounts.tenant(named: name + "-missing") == nil)
            #expect(try await store.accounts.listTenants().contains(tenant))
        }
    }

    @Test(arguments: Backend.allCases)
    func rejectsDuplicateAndInvalidTenantNames(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let name = TestDatabases.uniqueName()
            _ = try await store.accounts.createTenant(name: name)
            await #expect(throws: AccountError.tenantExists(name)) { try await store.accounts.createTenant(name: name) }
            await #expect(throws: AccountError.invalidTenantName("Bad Name")) { try await store.accounts.createTenant(name: "Bad Name") }
            await #expect(throws: AccountError.invalidTenantName("")) { try await store.accounts.createTenant(name: "") }
        }
    }

    @Test(arguments: Backend.allCases)
    func keysAuthenticateUntilRevoked(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let tenant = try await store.accounts.createTenant(name: TestDatabases.uniqueName())
            let issued = try await store.accounts.createKey(tenantID: tenant.id, role: .pricing)
            #expect(issued.secret.hasPrefix("mq_") && issued.secret.count == 67)
            #expect(issued.key.prefix == String(issued.secret.prefix(11)))

            let found = try await store.accounts.authenticate(secretHash: KeySecret.hash(issued.secret))
            #expect(found?.0 == issued.key)
            #expect(found?.1 == tenant)
            #expect(try await store.accounts.authenticate(secretHash: KeySecret.hash(issued.secret + "x")) == nil)

            #expect(try await store.accounts.revokeKey(id: issued.key.id, tenantID: tenant.id))
            #expect(try await store.accounts.authenticate(secretHash: KeySecret.hash(issued.secret)) == nil)
            #expect(try await store.accounts.revokeKey(id: issued.key.id, tenantID: tenant.id) == false)
            #expect(try await store.accounts.key(id: issued.key.id, tenantID: tenant.id)?.revokedAt != nil)
        }
    }

    @Test(arguments: Backend.allCases)
    func keysAreIsolatedPerTenant(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let acme = try await store.accounts.createTenant(name: TestDatabases.uniqueName("acme"))
            let globex = try await store.accounts.createTenant(name: TestDatabases.uniqueName("globex"))
            let acmeKey = try await store.accounts.createKey(tenantID: acme.id, role: .admin)
            _ = try await store.accounts.createKey(tenantID: globex.id, role: .read)

            #expect(try await store.accounts.key(id: acmeKey.key.id, tenantID: globex.id) == nil)
            #expect(try await store.accounts.revokeKey(id: acmeKey.key.id, tenantID: globex.id) == false)
            #expect(try await store.accounts.listKeys(tenantID: globex.id).map(\.tenantID) == [globex.id])
            #expect(try await store.accounts.listKeys(tenantID: acme.id).map(\.id) == [acmeKey.key.id])
            // The cross-tenant revoke did nothing.
            #expect(try await store.accounts.authenticate(secretHash: KeySecret.hash(acmeKey.secret)) != nil)
        }
    }
}
