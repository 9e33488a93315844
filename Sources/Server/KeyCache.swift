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
///
/// When the database cannot answer (an error, or no answer within `lookupWait`), a key it
/// confirmed within the last `outageGrace` keeps working from the cache, so checkout keeps
/// pricing through a database failover instead of failing every request 10 s in. During that
/// time one lookup per key retries at most every `retryInterval`; requests do not wait for it.
/// A key never seen gets 503 then (at once while `maxPendingLookups` lookups of keys without a
/// usable entry are running). Revocations need the database, so none is lost: a key revoked
/// elsewhere just before the outage works on this instance until the database answers again
/// (at most `outageGrace`).
public final class KeyCache: Sendable {
    struct Entry {
        var principal: Principal
        var expires: ContinuousClock.Instant
        /// The last time this principal may be served while the database cannot answer.
        var usableUntil: ContinuousClock.Instant
        /// Set while the database is failing for this key: no new lookup before it, and
        /// requests are answered from the entry without waiting.
        var retryAfter: ContinuousClock.Instant?
    }

    struct Lookup {
        var id: Int
        /// `State.generation` when it started: a forget after it may concern its answer.
        var generation: Int
        var task: SharedOutcome<Principal?>
    }

    /// What one `forget` was about.
    struct Forgotten {
        var generation: Int
        var keyID: String?
        var tenantID: String?
    }

    struct State {
        var entries: [String: Entry] = [:]
        var lookups: [String: Lookup] = [:]
        /// The last `forgetLog` forgets, oldest first.
        var forgotten: [Forgotten] = []
        /// Counts every `forget`: a lookup that started before one of its key or tenant must not
        /// cache its answer (it may have read a key just revoked, or a tenant's old settings).
        var generation: Int { forgotten.last?.generation ?? 0 }
        var nextLookup = 0
        /// Lookups of keys without a usable entry still running (capped by `maxPendingLookups`).
        var unknownKeyLookups = 0

        /// Whether a forget since `generation` may concern `principal` (its key or its tenant).
        /// Forgets of other keys and tenants do not: during a slow database, other tenants'
        /// settings changes used to make a known key wait again and again until 503. A forget
        /// older than the log counts as concerning it.
        func overtakes(_ principal: Principal, since generation: Int) -> Bool {
            guard self.generation != generation else { return false }
            guard let oldest = forgotten.first, oldest.generation <= generation + 1 else { return true }
            return forgotten.contains { $0.generation > generation && ($0.keyID == principal.key.id || $0.tenantID == principal.tenant.id) }
        }
    }

    /// Forgets remembered for `State.overtakes`.
    public static let forgetLog = 256

    let accounts: any AccountRepository
    let ttl: Duration
    /// How long before expiry a used key is refreshed in the background.
    let refreshAhead: Duration
    let outageGrace: Duration
    let lookupWait: Duration
    let uncachedLookupWait: Duration
    let retryInterval: Duration
    let maxPendingLookups: Int
    /// Keys remembered at most (entries are only added for valid keys).
    let maxEntries: Int
    let state = Mutex(State())

    public init(accounts: any AccountRepository, ttl: Duration = .seconds(10), refreshAhead: Duration? = nil,
                outageGrace: Duration = .seconds(15 * 60), lookupWait: Duration = .seconds(2), uncachedLookupWait: Duration = .seconds(10),
                retryInterval: Duration = .seconds(1), maxPendingLookups: Int = 1_000, maxEntries: Int = 10_000) {
        self.accounts = accounts
        self.ttl = ttl
        self.refreshAhead = refreshAhead ?? ttl / 5
        self.outageGrace = outageGrace
        self.lookupWait = lookupWait
        self.uncachedLookupWait = uncachedLookupWait
        self.retryInterval = retryInterval
        self.maxPendingLookups = maxPendingLookups
        self.maxEntries = max(1, maxEntries)
    }

    enum Plan {
        case answer(Principal)
        /// Too many lookups of unknown keys already wait on the database.
        case unavailable
        /// Wait for the lookup (started at `generation`); if the database cannot answer, `fallback`
        /// (a recently confirmed key) or 503.
        case wait(Lookup, fallback: Principal?)
    }

    /// The principal for a secret, or nil when the key is unknown or revoked.
    ///
    /// When a `forget` of the key or its tenant happens while the request waits on the database,
    /// the principal it waited for (or its fallback) may be the key just revoked: it decides again
    /// from the cache as it is now, up to `maxDecisions` times, then answers 503 rather than a
    /// principal a revocation may have overtaken. Forgets of other keys and tenants do not count.
    public func authenticate(secret: String) async throws -> Principal? {
        let hash = KeySecret.hash(secret)
        for _ in 0..<Self.maxDecisions {
            let now = ContinuousClock.now
            let (decision, generation) = state.withLock { state -> (Plan, Int) in
                (plan(hash, now: now, in: &state), state.generation)
            }
            let (lookup, fallback): (Lookup, Principal?)
            switch decision {
            case .answer(let principal): return principal
            case .unavailable: throw Self.unavailable
            case .wait(let joined, let principal): (lookup, fallback) = (joined, principal)
            }
            // A key with a fallback waits briefly; one without waits longer before 503.
            let result = await lookup.task.outcome(within: fallback == nil ? uncachedLookupWait : lookupWait)
            if case nil = result { markFailing(hash) }  // the next decision answers from the entry, if a forget kept it
            // Only a principal can be stale (nil and 503 are safe), and only after a forget of its key or
            // tenant since it was read: the lookup's answer since the lookup began (it may have begun
            // before this request), the fallback since this decision.
            func overtaken(_ principal: Principal, since generation: Int) -> Bool {
                state.withLock { $0.overtakes(principal, since: generation) }
            }
            switch result {
            case .success(let principal)?:
                // The stale lookup has left `lookups` by now, so the next decision starts a fresh one.
                if let principal, overtaken(principal, since: lookup.generation) { continue }
                return principal
            case .failure?, nil:
                guard let fallback else { throw Self.unavailable }
                if overtaken(fallback, since: generation) { continue }
                return fallback
            }
        }
        throw Self.unavailable
    }

    /// Decisions one request may take when forgets keep overtaking its waits.
    static let maxDecisions = 4

    private func plan(_ hash: String, now: ContinuousClock.Instant, in state: inout State) -> Plan {
        guard let entry = state.entries[hash], entry.usableUntil > now else {
            if let lookup = state.lookups[hash] { return .wait(lookup, fallback: nil) }
            // A lookup outlives its request's 503 while the database hangs: without a cap, random
            // bearer secrets would pile up lookups for as long as the hang lasts.
            guard state.unknownKeyLookups < maxPendingLookups else { return .unavailable }
            return .wait(startLookup(hash, ofUnknownKey: true, in: &state), fallback: nil)
        }
        if entry.expires > now {
            if entry.expires - now <= refreshAhead, state.lookups[hash] == nil, entry.retryAfter.map({ $0 <= now }) ?? true {
                startLookup(hash, in: &state)
            }
            return .answer(entry.principal)
        }
        if let retryAfter = entry.retryAfter {  // the database is failing: do not make requests wait on it
            if retryAfter <= now, state.lookups[hash] == nil { startLookup(hash, in: &state) }
            return .answer(entry.principal)
        }
        return .wait(state.lookups[hash] ?? startLookup(hash, in: &state), fallback: entry.principal)
    }

    /// The database's error is not passed on: it may name hosts and users. The server logs 5xx.
    static let unavailable = APIError(status: .serviceUnavailable, code: "authentication_unavailable",
                                      message: "the API key could not be checked: the database did not answer; retry shortly")

    /// Requests for `hash` stop waiting on the database for `retryInterval`.
    private func markFailing(_ hash: String) {
        state.withLock { state in state.entries[hash]?.retryAfter = .now + retryInterval }
    }

    /// Starts the database lookup of `hash`; its answer is cached unless a `forget` came first.
    /// - Parameter ofUnknownKey: counted in `unknownKeyLookups` until it ends (it leaves `lookups`
    ///   when it ends, or when a newer lookup of the key replaces it there).
    @discardableResult
    private func startLookup(_ hash: String, ofUnknownKey: Bool = false, in state: inout State) -> Lookup {
        let generation = state.generation
        let id = state.nextLookup
        state.nextLookup += 1
        if ofUnknownKey { state.unknownKeyLookups += 1 }
        let task = Task { [accounts, ttl, outageGrace, retryInterval, maxEntries] () async throws -> Principal? in
            let result = await Result { try await accounts.authenticate(secretHash: hash).map { Principal(key: $0.0, tenant: $0.1) } }
            self.state.withLock { state in
                if ofUnknownKey { state.unknownKeyLookups -= 1 }
                if state.lookups[hash]?.id == id { state.lookups[hash] = nil }
                let now = ContinuousClock.now
                guard case .success(let principal) = result else {
                    state.entries[hash]?.retryAfter = now + retryInterval
                    return
                }
                guard let principal else {  // unknown or revoked: forgetting it is always safe
                    state.entries[hash] = nil
                    return
                }
                guard !state.overtakes(principal, since: generation) else { return }
                state.entries[hash] = Entry(principal: principal, expires: now + ttl, usableUntil: now + max(ttl, outageGrace))
                if state.entries.count > maxEntries { Self.prune(&state.entries, keeping: maxEntries - maxEntries / 10, now: now) }
            }
            return try result.get()
        }
        let lookup = Lookup(id: id, generation: generation, task: SharedOutcome(task))
        state.lookups[hash] = lookup
        return lookup
    }

    /// Bounds memory: drops the entries past their grace, then those confirmed longest ago, down to
    /// `keeping` (a tenth below the cap, so with the default cap the sort is paid once per 1,000
    /// additions). Dropping every entry, as this did before, left the keys confirmed just before an
    /// outage without their fallback.
    static func prune(_ entries: inout [String: Entry], keeping: Int, now: ContinuousClock.Instant) {
        entries = entries.filter { $0.value.usableUntil > now }
        guard entries.count > keeping else { return }
        let newest = entries.sorted { $0.value.usableUntil > $1.value.usableUntil }.prefix(max(1, keeping))
        entries = Dictionary(uniqueKeysWithValues: newest.map { ($0.key, $0.value) })
    }

    /// Forgets every key of a tenant whose settings changed, so this instance reads them anew.
    public func forget(tenantID: String) {
        forget(keyID: nil, tenantID: tenantID)
    }

    /// Forgets a revoked key at once.
    public func forget(keyID: String) {
        forget(keyID: keyID, tenantID: nil)
    }

    private func forget(keyID: String?, tenantID: String?) {
        state.withLock { state in
            let concerned = state.entries.filter { $0.value.principal.key.id == keyID || $0.value.principal.tenant.id == tenantID }
            for hash in concerned.keys {
                state.entries[hash] = nil
                state.lookups[hash] = nil  // its answer is stale: the next request reads the key anew
            }
            // Other lookups in flight stay shared: their waiters check the answer against the forgets
            // since the lookup began. Dropping them all, as this did, made every forget (any tenant's
            // settings change) start a new wave of lookups while the database was slow.
            state.forgotten.append(Forgotten(generation: state.generation + 1, keyID: keyID, tenantID: tenantID))
            if state.forgotten.count > Self.forgetLog { state.forgotten.removeFirst(state.forgotten.count - Self.forgetLog) }
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
