import Accounts
import Foundation
import Synchronization

/// Authenticates bearer secrets, remembering valid keys briefly so a price call does not
/// wait on the database. A revocation on this instance applies at once; on other instances
/// within `ttl`.
public final class KeyCache: Sendable {
    struct Entry {
        var principal: Principal
        var expires: ContinuousClock.Instant
    }

    let accounts: any AccountRepository
    let ttl: Duration
    let entries = Mutex<[String: Entry]>([:])

    public init(accounts: any AccountRepository, ttl: Duration = .seconds(10)) {
        self.accounts = accounts
        self.ttl = ttl
    }

    /// The principal for a secret, or nil when the key is unknown or revoked.
    public func authenticate(secret: String) async throws -> Principal? {
        let hash = KeySecret.hash(secret)
        let now = ContinuousClock.now
        if let entry = entries.withLock({ $0[hash] }), entry.expires > now {
            return entry.principal
        }
        guard let (key, tenant) = try await accounts.authenticate(secretHash: hash) else {
            entries.withLock { _ = $0.removeValue(forKey: hash) }
            return nil
        }
        let principal = Principal(key: key, tenant: tenant)
        entries.withLock { entries in
            if entries.count > 10_000 { entries.removeAll() }  // bound memory; refills from the database
            entries[hash] = Entry(principal: principal, expires: now + ttl)
        }
        return principal
    }

    /// Forgets every key of a tenant whose settings changed, so this instance reads them anew.
    public func forget(tenantID: String) {
        entries.withLock { entries in
            entries = entries.filter { $0.value.principal.tenant.id != tenantID }
        }
    }

    /// Forgets a revoked key at once.
    public func forget(keyID: String) {
        entries.withLock { entries in
            entries = entries.filter { $0.value.principal.key.id != keyID }
        }
    }
}
