import Accounts
import Server
import Storage
import Synchronization
import TestSupport
import Testing

/// A key lookup that read the database before a revocation on this instance must not put the key
/// back in the cache after it (found by review: the revoked key then worked for 10 more seconds).
@Suite("Key cache")
struct KeyCacheTests {
    /// A real repository whose next `authenticate` waits, after reading, until released.
    final class HeldAccounts: AccountRepository {
        let base: any AccountRepository
        let held = Mutex<CheckedContinuation<Void, Never>?>(nil)
        let holding = Mutex(false)
        let lookups = Mutex(0)

        init(_ base: any AccountRepository) { self.base = base }

        func authenticate(secretHash: String) async throws -> (APIKey, Tenant)? {
            let found = try await base.authenticate(secretHash: secretHash)
            lookups.withLock { $0 += 1 }
            if holding.withLock({ holding in defer { holding = false }; return holding }) {
                await withCheckedContinuation { continuation in held.withLock { $0 = continuation } }
            }
            return found
        }

        func release() { held.withLock { $0?.resume(); $0 = nil } }
        var isWaiting: Bool { held.withLock { $0 != nil } }

        func createTenant(name: String) async throws -> Tenant { try await base.createTenant(name: name) }
        func tenant(named name: String) async throws -> Tenant? { try await base.tenant(named: name) }
        func tenant(id: String) async throws -> Tenant? { try await base.tenant(id: id) }
        func listTenants() async throws -> [Tenant] { try await base.listTenants() }
        func createKey(tenantID: String, role: Role) async throws -> IssuedKey { try await base.createKey(tenantID: tenantID, role: role) }
        func listKeys(tenantID: String) async throws -> [APIKey] { try await base.listKeys(tenantID: tenantID) }
        func key(id: String, tenantID: String) async throws -> APIKey? { try await base.key(id: id, tenantID: tenantID) }
        func revokeKey(id: String, tenantID: String) async throws -> Bool { try await base.revokeKey(id: id, tenantID: tenantID) }
        func setRounding(tenantID: String, _ rounding: MoneyRounding) async throws -> Tenant? {
            try await base.setRounding(tenantID: tenantID, rounding)
        }
    }

    /// A new tenant with a read key.
    static func readKey(_ accounts: some AccountRepository) async throws -> (Tenant, IssuedKey) {
        let tenant = try await accounts.createTenant(name: TestDatabases.uniqueName("keys"))
        return (tenant, try await accounts.createKey(tenantID: tenant.id, role: .read))
    }

    @Test func aLookupOverlappingARevocationIsNotCached() async throws {
        try await TestDatabases.withStore(.sqlite) { store in
            let accounts = HeldAccounts(store.accounts)
            let cache = KeyCache(accounts: accounts, ttl: .seconds(60))
            let (tenant, issued) = try await Self.readKey(accounts)
            accounts.holding.withLock { $0 = true }
            let inFlight = Task { try await cache.authenticate(secret: issued.secret) }
            while !accounts.isWaiting { await Task.yield() }  // it has read the key as valid
            #expect(try await accounts.revokeKey(id: issued.key.id, tenantID: tenant.id))
            cache.forget(keyID: issued.key.id)
            accounts.release()
            #expect(try await inFlight.value != nil)  // began before the revocation
            #expect(try await cache.authenticate(secret: issued.secret) == nil, "the revoked key was cached again")
            #expect(accounts.lookups.withLock { $0 } == 2)
        }
    }

    /// Requests arriving together for an uncached key share one database lookup (before, each
    /// queried the database; every 10 s, at expiry, that queued dozens of lookups on SQLite).
    @Test func concurrentRequestsShareOneLookup() async throws {
        try await TestDatabases.withStore(.sqlite) { store in
            let accounts = HeldAccounts(store.accounts)
            let cache = KeyCache(accounts: accounts, ttl: .seconds(60))
            let (_, issued) = try await Self.readKey(accounts)
            accounts.holding.withLock { $0 = true }
            let requests = (0..<20).map { _ in Task { try await cache.authenticate(secret: issued.secret) } }
            while !accounts.isWaiting { await Task.yield() }
            accounts.release()
            for request in requests { #expect(try await request.value?.key.id == issued.key.id) }
            #expect(accounts.lookups.withLock { $0 } == 1)
        }
    }

    /// A key in use is refreshed in the background near expiry: the request is answered from
    /// the cache without waiting for the database.
    @Test func nearExpiryTheCachedKeyAnswersWhileItIsRefreshed() async throws {
        try await TestDatabases.withStore(.sqlite) { store in
            let accounts = HeldAccounts(store.accounts)
            let cache = KeyCache(accounts: accounts, ttl: .seconds(60), refreshAhead: .seconds(60))  // always "near expiry"
            let (_, issued) = try await Self.readKey(accounts)
            #expect(try await cache.authenticate(secret: issued.secret) != nil)
            accounts.holding.withLock { $0 = true }
            #expect(try await cache.authenticate(secret: issued.secret) != nil)  // returns although the refresh is held
            while !accounts.isWaiting { await Task.yield() }
            #expect(accounts.lookups.withLock { $0 } == 2)
            accounts.release()
        }
    }
}
