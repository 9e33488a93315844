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
    struct State {
        var entries: [String: Entry] = [:]
        /// Bumped by every `forget`: a lookup that started before one must not cache its answer
        /// (it may have read a key just revoked, or a tenant's old settings).
        var generation = 0
    }

    let state = Mutex(State())

    public init(accounts: any AccountRepository, ttl: Duration = .seconds(10)) {
        self.accounts = accounts
        self.ttl = ttl
    }

    /// The principal for a secret, or nil when the key is unknown or revoked.
    public func authenticate(secret: String) async throws -> Principal? {
        let hash = KeySecret.hash(secret)
        let now = ContinuousClock.now
        let (cached, generation) = state.withLock { ($0.entries[hash], $0.generation) }
        if let cached, cached.expires > now { return cached.principal }
        guard let (key, tenant) = try await accounts.authenticate(secretHash: hash) else {
            state.withLock { _ = $0.entries.removeValue(forKey: hash) }
            return nil
        }
        let principal = Principal(key: key, tenant: tenant)
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.entries.count > 10_000 { state.entries.removeAll() }  // bound memory; refills from the database
            state.entries[hash] = Entry(principal: principal, expires: now + ttl)
        }
        return principal
    }

    /// Forgets every key of a tenant whose settings changed, so this instance reads them anew.
    public func forget(tenantID: String) {
        state.withLock { state in
            state.entries = state.entries.filter { $0.value.principal.tenant.id != tenantID }
            state.generation += 1
        }
    }

    /// Forgets a revoked key at once.
    public func forget(keyID: String) {
        state.withLock { state in
            state.entries = state.entries.filter { $0.value.principal.key.id != keyID }
            state.generation += 1
        }
    }
}
