import Accounts
import Foundation
import Synchronization

/// Authenticates bearer secrets, remembering valid keys briefly so a price call does not
/// wait on the database. A revocation on this instance applies at once; on other instances
/// within `ttl`.
///
/// One lookup per key at a time (requests arriving together share it), and a key in use is
/// looked up again in the background during the last fifth of its `ttl`, so busy keys never
/// make requests wait: before, every request in flight when an entry expired queried the
/// database itself, and on SQLite they queued one behind another (multi-second pricing stalls
/// every 10 s under load).
public final class KeyCache: Sendable {
    struct Entry {
        var principal: Principal
        var expires: ContinuousClock.Instant
    }

    struct Lookup {
        var id: Int
        var task: Task<Principal?, any Error>
    }

    struct State {
        var entries: [String: Entry] = [:]
        var lookups: [String: Lookup] = [:]
        /// Bumped by every `forget`: a lookup that started before one must not cache its answer
        /// (it may have read a key just revoked, or a tenant's old settings).
        var generation = 0
        var nextLookup = 0
    }

    let accounts: any AccountRepository
    let ttl: Duration
    /// How long before expiry a used key is refreshed in the background.
    let refreshAhead: Duration
    let state = Mutex(State())

    public init(accounts: any AccountRepository, ttl: Duration = .seconds(10), refreshAhead: Duration? = nil) {
        self.accounts = accounts
        self.ttl = ttl
        self.refreshAhead = refreshAhead ?? ttl / 5
    }

    /// The principal for a secret, or nil when the key is unknown or revoked.
    public func authenticate(secret: String) async throws -> Principal? {
        let hash = KeySecret.hash(secret)
        let now = ContinuousClock.now
        let (cached, lookup) = state.withLock { state -> (Principal?, Task<Principal?, any Error>?) in
            if let entry = state.entries[hash], entry.expires > now {
                if entry.expires - now <= refreshAhead, state.lookups[hash] == nil { _ = startLookup(hash, in: &state) }
                return (entry.principal, nil)
            }
            return (nil, state.lookups[hash]?.task ?? startLookup(hash, in: &state))
        }
        if let cached { return cached }
        return try await lookup!.value
    }

    /// Starts the database lookup of `hash`; its answer is cached unless a `forget` came first.
    private func startLookup(_ hash: String, in state: inout State) -> Task<Principal?, any Error> {
        let generation = state.generation
        let id = state.nextLookup
        state.nextLookup += 1
        let task = Task { [accounts, ttl] () async throws -> Principal? in
            let result = await Result { try await accounts.authenticate(secretHash: hash).map { Principal(key: $0.0, tenant: $0.1) } }
            self.state.withLock { state in
                if state.lookups[hash]?.id == id { state.lookups[hash] = nil }
                guard state.generation == generation, case .success(let principal) = result else { return }
                guard let principal else {
                    state.entries[hash] = nil
                    return
                }
                if state.entries.count > 10_000 { state.entries.removeAll() }  // bound memory; refills from the database
                state.entries[hash] = Entry(principal: principal, expires: .now + ttl)
            }
            return try result.get()
        }
        state.lookups[hash] = Lookup(id: id, task: task)
        return task
    }

    /// Forgets every key of a tenant whose settings changed, so this instance reads them anew.
    public func forget(tenantID: String) {
        forget { $0.tenant.id == tenantID }
    }

    /// Forgets a revoked key at once.
    public func forget(keyID: String) {
        forget { $0.key.id == keyID }
    }

    private func forget(where matches: (Principal) -> Bool) {
        state.withLock { state in
            state.entries = state.entries.filter { !matches($0.value.principal) }
            state.lookups = [:]  // answers read before this are not handed to later requests
            state.generation += 1
        }
    }
}

extension Result where Failure == any Error {
    /// The outcome of an async throwing body.
    init(catching body: () async throws -> Success) async {
        do {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }
}
