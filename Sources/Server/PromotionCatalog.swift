import Crypto
import Foundation
import Pricing
import Rules
import Synchronization

/// Every tenant's promotions and coupons as an immutable in-memory snapshot.
///
/// A change builds the new snapshot outside the lock and only swaps a reference inside it, so
/// pricing never waits for a rebuild or the database: it takes the current snapshot (a pointer
/// copy under a briefly held lock) and prices from memory.
public final class PromotionCatalog: Sendable {
    /// What a snapshot is built from; each part remembers the ticket of the read that produced it.
    struct Parts {
        var promotions: [Promotion] = []
        /// Keyed by normalised code, so a reservation's lookup does not scan the tenant's codes.
        var coupons = LayeredDictionary<CouponDefinition>()
        /// How many of ``coupons`` are limited (their availability is worth polling while > 0).
        var limitedCoupons = 0
        var promotionsTicket: UInt64 = 0
        /// The ticket of the last installed read of all the tenant's codes.
        var couponsTicket: UInt64 = 0
        /// Codes re-read one by one whose read may be newer than some read still in flight,
        /// with that read's ticket.
        var codeTickets: [String: UInt64] = [:]
        /// Bumped by every change to the coupons: a digest's hash is kept only for what it hashed.
        var couponRevision: UInt64 = 0
        /// The coupons' hash for the digest once computed, kept up to date by ``apply(_:)``.
        var couponHash: CouponSetHash?
        var exhaustedTicket: UInt64 = 0

        /// Sets these codes (nil: deleted) in the definitions (pricing's table wraps them).
        mutating func apply(_ changes: [String: CouponDefinition?]) {
            for (code, coupon) in changes {
                let old = coupons[code]
                if couponHash != nil {
                    if let old { couponHash?.remove(old) }
                    if let coupon { couponHash?.add(coupon) }
                }
                if old?.kind == .limited { limitedCoupons -= 1 }
                if coupon?.kind == .limited { limitedCoupons += 1 }
                coupons[code] = coupon
            }
            couponRevision += 1
        }

        /// The same coupons as pricing reads them (one dictionary: the table wraps it).
        var couponTable: CouponTable { CouponTable(definitions: coupons) }
    }

    struct Entry {
        var parts = Parts()
        var generation: UInt64 = 0
        var builtGeneration: UInt64 = 0
        /// A tenant's own from the start: its candidate window (index statistics) carries over
        /// to every later snapshot, so it must not be the shared ``PromotionCatalog/empty``'s.
        var snapshot = PromotionSnapshot(promotions: [])
        /// The `promotionsTicket` of the parts ``snapshot`` was built from.
        var snapshotPromotionsTicket: UInt64 = 0
        /// Updated in place by availability changes; every snapshot of the tenant shares it.
        let availability = CouponAvailability()
        /// Whether a fold of the layered code changes is running (see ``startFold(tenant:)``).
        var folding = false
        /// Computed when asked for (hashing a million codes takes a second), per generation.
        var digest: (generation: UInt64, value: String)?
        /// Codes marked exhausted since the last installed read, with their tickets.
        var recentMarks: [String: UInt64] = [:]
        /// Reservations taken or ended here since the last installed read, with their tickets.
        var recentHolds: [(hold: CouponAvailability.Hold, ticket: UInt64)] = []
        /// Where the installed availability read stands in the database's stream of changes
        /// (see ``CouponRepository/availabilityWatermark()``); nil until a full read is installed.
        var availabilityWatermark: AvailabilityWatermark?
        var lastFullAvailabilityRead: ContinuousClock.Instant?
    }

    let promotionRepository: any PromotionRepository
    let couponRepository: any CouponRepository
    let entries = Mutex<[String: Entry]>([:])
    let tickets = Atomic<UInt64>(0)
    /// Tickets of the coupon reads in flight (see ``withCouponReadTicket(_:)``).
    let couponReads = Mutex<Set<UInt64>>([])
    static let empty = PromotionSnapshot(promotions: [])

    public init(promotions: any PromotionRepository, coupons: any CouponRepository) {
        self.promotionRepository = promotions
        self.couponRepository = coupons
    }

    /// The tenant's current snapshot (empty when it has nothing).
    public func snapshot(tenant: String) -> PromotionSnapshot {
        entries.withLock { $0[tenant]?.snapshot } ?? Self.empty
    }

    /// Reloads everything of one tenant.
    public func reload(tenant: String) async throws {
        try await reloadPromotions(tenant: tenant)
        try await reloadCoupons(tenant: tenant)
    }

    /// Reloads one tenant's promotions. Reloads may overlap; each takes a ticket before reading,
    /// and a result only replaces one read earlier, so a slow reload never undoes a newer one.
    public func reloadPromotions(tenant: String) async throws {
        let ticket = nextTicket()
        let promotions = try await promotionRepository.list(tenant: tenant)
        await update(tenant) { parts in
            guard parts.promotionsTicket < ticket else { return false }
            parts.promotions = promotions
            parts.promotionsTicket = ticket
            return true
        }
    }

    /// Reloads all of one tenant's coupon definitions, and their availability.
    public func reloadCoupons(tenant: String) async throws {
        try await withCouponReadTicket { ticket in
            let coupons = try await couponRepository.list(tenant: tenant)
            // Availability first: the new table is never priced with the previous exhausted set.
            try await readAllAvailability(tenant, ticket: ticket)
            // Built off the event loops, and the old parts are dropped outside the lock: with a
            // million codes either took long enough to stall pricing, which takes the same lock.
            let (definitions, limited) = await OffLoop.run {
                let unique = Dictionary(coupons.map { ($0.code, $0) }, uniquingKeysWith: { $0.promotionID <= $1.promotionID ? $0 : $1 })
                return (LayeredDictionary(unique), unique.values.count { $0.kind == .limited })
            }
            var replaced: Parts?
            await update(tenant) { parts in
                guard parts.couponsTicket < ticket else { return false }
                replaced = parts
                // Codes re-read one by one after this read began keep that read: it may be newer.
                var newer: [String: CouponDefinition?] = [:]
                for (code, codeTicket) in parts.codeTickets where codeTicket > ticket {
                    newer.updateValue(parts.coupons[code], forKey: code)
                }
                parts.coupons = definitions
                parts.couponHash = nil  // computed again when a digest is asked for
                parts.limitedCoupons = limited
                parts.couponsTicket = ticket
                parts.codeTickets = parts.codeTickets.filter { $0.value > ticket }
                parts.apply(newer)
                return true
            }
            withExtendedLifetime(replaced) {}
        }
    }

    /// Re-reads a few of the tenant's codes (created or deleted here, or elsewhere as the change
    /// feed says) and layers them over the rest: at a million codes a full reload takes seconds
    /// and memory for a second copy, these one query. Past 4,096 layered changes a fold starts.
    public func reloadCoupons(tenant: String, codes: Set<String>) async throws {
        let limited = try await withCouponReadTicket { ticket in
            let codes = Set(codes.map(Coupon.normalize))
            var read = Dictionary(uniqueKeysWithValues: codes.map { ($0, CouponDefinition?.none) })  // nil: deleted
            for coupon in try await couponRepository.get(tenant: tenant, codes: Array(codes)) { read.updateValue(coupon, forKey: coupon.code) }
            // Tickets older than every read in flight order nothing any more.
            let oldest = couponReads.withLock { $0.min() } ?? ticket
            await update(tenant) { parts in
                let newer = read.filter { ticket > max(parts.couponsTicket, parts.codeTickets[$0.key] ?? 0) }
                parts.codeTickets = parts.codeTickets.filter { $0.value >= oldest }
                for code in newer.keys { parts.codeTickets[code] = ticket }
                // The follower re-reads this instance's own writes: those change nothing, so no rebuild.
                let changed = newer.filter { parts.coupons[$0.key] != $0.value }
                guard !changed.isEmpty else { return false }
                parts.apply(changed)
                return true
            }
            startFold(tenant: tenant)
            // Even when unchanged: a code deleted and created again between two reads reads the same.
            return read.values.contains { $0?.kind == .limited }
        }
        // A limited code deleted and created again keeps its live uses: it may be used up already.
        if limited { try await refreshAvailability(tenant: tenant) }
    }

    /// Folds the tenant's layered code changes into new tables off the event loops, in a task
    /// of its own (one per tenant at a time, not awaited by the write that starts it). Changes
    /// made meanwhile stay layered over the new tables; a full reload meanwhile makes it moot.
    func startFold(tenant: String) {
        let started = entries.withLock { entries -> LayeredDictionary<CouponDefinition>? in
            guard let entry = entries[tenant], !entry.folding, entry.parts.coupons.shouldCompact else { return nil }
            entries[tenant]?.folding = true
            return entry.parts.coupons
        }
        guard let coupons = started else { return }
        Task {
            let couponsFold = await OffLoop.run { coupons.fold() }
            var replaced: Parts?
            // The snapshot is rebuilt too: it would otherwise keep the old base alive.
            await update(tenant) { parts in
                guard let folded = parts.coupons.rebased(on: couponsFold) else { return false }
                replaced = parts
                parts.coupons = folded
                return true
            }
            entries.withLock { $0[tenant]?.folding = false }
            withExtendedLifetime(replaced) {}
        }
    }

    /// Runs a coupon read under a fresh ticket, kept in ``couponReads`` until it is done.
    func withCouponReadTicket<T>(_ read: (UInt64) async throws -> T) async rethrows -> T {
        let ticket = couponReads.withLock { reads in
            let ticket = nextTicket()
            reads.insert(ticket)
            return ticket
        }
        defer { couponReads.withLock { _ = $0.remove(ticket) } }
        return try await read(ticket)
    }

    /// How often a refresh reads every exhausted code instead of the changes: a backstop for
    /// anything the change marks cannot show (a coupon_usage row deleted by plain SQL).
    public static let fullAvailabilityReadInterval = Duration.seconds(60)

    /// Re-reads which limited coupons have no use left, and who holds live reservations of them.
    /// Applied in place: no snapshot rebuild. Reads only the codes whose state changed since
    /// the last installed read, plus the codes marked exhausted here since (the database is the
    /// truth for those too); every exhausted code when no read is installed yet or the last full
    /// read is older than `fullReadAfter`. At a million single-use codes half redeemed, the full
    /// read took ≈ 100 ms of database time every 2 s per instance.
    /// - Returns: which kind of read it made.
    @discardableResult
    public func refreshAvailability(tenant: String, fullReadAfter: Duration = fullAvailabilityReadInterval) async throws -> AvailabilityRead {
        // The ticket is taken under the lock marks take theirs in: a mark the list below misses is newer.
        let (ticket, since, marked) = entries.withLock { entries -> (UInt64, AvailabilityWatermark?, [String]) in
            let ticket = nextTicket()
            guard let entry = entries[tenant], let watermark = entry.availabilityWatermark,
                  let last = entry.lastFullAvailabilityRead, ContinuousClock.now - last < fullReadAfter else { return (ticket, nil, []) }
            return (ticket, watermark, Array(entry.recentMarks.keys))
        }
        guard let since else {
            try await readAllAvailability(tenant, ticket: ticket)
            return .full
        }
        let watermark = try await couponRepository.availabilityWatermark()
        let changes = try await couponRepository.exhaustionChanges(tenant: tenant, since: since, codes: marked)
        let holders = try await couponRepository.reservationHolders(tenant: tenant, at: .now)
        installExhaustionChanges(tenant, changes, from: since, to: watermark, holders: holders, ticket: ticket)
        return .changes
    }

    /// Every exhausted code, or the codes changed since the last read.
    public enum AvailabilityRead: String, Sendable {
        case full, changes
    }

    /// Records a reservation taken or ended here, so its customer's next price sees it at once
    /// (the next refresh reads every instance's).
    public func record(tenant: String, _ hold: CouponAvailability.Hold) {
        let ticket = nextTicket()
        entries.withLock { entries in
            guard entries[tenant] != nil else { return }
            entries[tenant]?.availability.record(hold)
            entries[tenant]?.recentHolds.append((hold, ticket))
            // Pruned by each installed refresh; bounded should refreshes keep failing (down to
            // 90 % at a time, so a full list is not shifted on every reservation).
            let limit = CouponAvailability.maxHeldCodes
            if let count = entries[tenant]?.recentHolds.count, count > limit {
                entries[tenant]?.recentHolds.removeFirst(count - limit * 9 / 10)
            }
        }
    }

    /// Marks a code exhausted at once (a reservation just found no use left).
    public func markExhausted(tenant: String, code: String) {
        entries.withLock { entries in
            guard entries[tenant] != nil else { return }
            let ticket = nextTicket()
            entries[tenant]?.availability.markExhausted(code)
            entries[tenant]?.recentMarks[code] = ticket
        }
    }

    /// Installs a read of the exhausted codes that took `ticket` before it began, unless a later
    /// read was installed. Codes marked exhausted after the read began stay exhausted (the read
    /// may predate their last use); before, such a mark discarded the whole read until the next
    /// refresh, so codes run out elsewhere priced as available meanwhile.
    ///
    /// The marks are added to the read before the catalog lock is taken, and the old set is freed
    /// after it is released: inserting into a set of a million codes shared with the caller
    /// copied it under the lock every tenant's pricing takes (≈25 ms in a debug build).
    private func installExhausted(_ tenant: String, _ read: consuming Set<String>, holders: [String: [String: Set<String>]],
                                  watermark: AvailabilityWatermark, ticket: UInt64) {
        var codes = read
        var holders = holders
        let marked = entries.withLock { entries in entries[tenant]?.recentMarks.filter { $0.value > ticket }.map(\.key) ?? [] }
        for code in marked { codes.insert(code) }
        entries.withLock { entries in
            var entry = entries[tenant] ?? Entry()
            guard entry.parts.exhaustedTicket < ticket else { return }
            entry.recentMarks = entry.recentMarks.filter { $0.value > ticket }
            entry.recentHolds.removeAll { $0.ticket <= ticket }
            // Marks made since the copy above are few: inserted into the new set, not a copy of it.
            let late = entry.recentMarks.keys.filter { !codes.contains($0) }
            entry.availability.replace(with: &codes, holders: &holders, alsoExhausted: late, laterHolds: entry.recentHolds.map(\.hold))
            entry.parts.exhaustedTicket = ticket
            entry.availabilityWatermark = watermark
            entry.lastFullAvailabilityRead = .now
            entries[tenant] = entry
        }
        // `codes` and `holders` now hold the old values (or the unused read): freed here, outside the lock.
    }

    /// Reads every exhausted code and who holds them, and installs that under `ticket`. The
    /// watermark is taken first: whatever the read misses, the next change read finds.
    private func readAllAvailability(_ tenant: String, ticket: UInt64) async throws {
        let watermark = try await couponRepository.availabilityWatermark()
        let exhausted = try await couponRepository.exhaustedCodes(tenant: tenant)
        let holders = try await couponRepository.reservationHolders(tenant: tenant, at: .now)
        installExhausted(tenant, consume exhausted, holders: holders, watermark: watermark, ticket: ticket)
    }

    /// Applies the changes read since watermark `from` to the installed availability, unless
    /// another read was installed since that one (the next refresh reads from that read's).
    /// Marks newer than the read stay exhausted, and are read again next time.
    private func installExhaustionChanges(_ tenant: String, _ changes: [String: Bool], from: AvailabilityWatermark, to: AvailabilityWatermark,
                                          holders: [String: [String: Set<String>]], ticket: UInt64) {
        var holders = holders
        entries.withLock { entries in
            guard var entry = entries[tenant], entry.parts.exhaustedTicket < ticket, entry.availabilityWatermark == from else { return }
            entry.recentMarks = entry.recentMarks.filter { $0.value > ticket }
            entry.recentHolds.removeAll { $0.ticket <= ticket }
            entry.availability.apply(changes, holders: &holders, alsoExhausted: entry.recentMarks.keys, laterHolds: entry.recentHolds.map(\.hold))
            entry.parts.exhaustedTicket = ticket
            entry.availabilityWatermark = to
            entries[tenant] = entry
        }
        // `holders` now holds the old holders: freed here, outside the lock.
    }

    /// Tenants holding limited coupons (the ones whose availability is worth polling).
    public var tenantsWithLimitedCoupons: [String] {
        entries.withLock { entries in entries.filter { $0.value.parts.limitedCoupons > 0 }.map(\.key) }
    }

    /// A coupon definition of the tenant, from memory.
    public func coupon(tenant: String, code: String) -> CouponDefinition? {
        let code = Coupon.normalize(code)
        return entries.withLock { $0[tenant]?.parts.coupons[code] }
    }

    /// SHA-256 over the tenant's promotions (id, version, document, in id order) and the set
    /// hash of its coupons: instances holding the same state report the same digest.
    public func digest(tenant: String) async -> String {
        guard let (parts, generation, cached) = entries.withLock({ entries in
            entries[tenant].map { ($0.parts, $0.generation, $0.digest) }
        }) else { return Self.emptyDigest }
        if let cached, cached.generation == generation { return cached.value }
        let (digest, couponHash) = await OffLoop.run {
            let couponHash = parts.couponHash ?? CouponSetHash(parts.coupons.values)
            return (Self.digest(parts.promotions, couponHash), couponHash)
        }
        entries.withLock { entries in
            if entries[tenant]?.generation == generation { entries[tenant]?.digest = (generation, digest) }
            if entries[tenant]?.parts.couponRevision == parts.couponRevision { entries[tenant]?.parts.couponHash = couponHash }
        }
        return digest
    }

    static let emptyDigest = digest([], CouponSetHash([]))

    public func promotionCount(tenant: String) -> Int {
        entries.withLock { $0[tenant]?.parts.promotions.count } ?? 0
    }

    /// Per tenant whose promotions test `customer.audiences`: the audiences they reference.
    public var audienceReferences: [String: AudienceReferences] {
        entries.withLock { entries in
            entries.compactMapValues { $0.snapshot.audienceReferences.isEmpty ? nil : $0.snapshot.audienceReferences }
        }
    }

    public func couponCount(tenant: String) -> Int {
        entries.withLock { $0[tenant]?.parts.coupons.count } ?? 0
    }

    func nextTicket() -> UInt64 {
        tickets.add(1, ordering: .sequentiallyConsistent).newValue
    }

    /// Applies `change` to the tenant's parts under the lock; if it changed anything, builds the
    /// snapshot off the event loops and installs it unless a newer build got there first.
    /// `change` edits the parts in place: returning false skips the rebuild, not its edits.
    func update(_ tenant: String, _ change: (inout Parts) -> Bool) async {
        let pending: (Parts, UInt64, PromotionSnapshot, UInt64, CouponAvailability)? = entries.withLock { entries in
            // Changed in place: a copy of the entry would make the change copy the parts' layers.
            guard change(&entries[tenant, default: Entry()].parts) else { return nil }
            let generation = nextTicket()
            entries[tenant]?.generation = generation
            return entries[tenant].map { ($0.parts, generation, $0.snapshot, $0.snapshotPromotionsTicket, $0.availability) }
        }
        guard let (parts, generation, current, currentPromotionsTicket, availability) = pending else { return }
        // The candidate window carries over, so index statistics survive snapshot swaps.
        let snapshot = if currentPromotionsTicket == parts.promotionsTicket {
            // Only coupons changed: the compiled promotions are shared, not rebuilt.
            current.replacingCoupons(parts.couponTable, availability: availability, version: Int64(generation))
        } else {
            await OffLoop.run {
                PromotionSnapshot(promotions: parts.promotions, couponTable: parts.couponTable, availability: availability,
                                  version: Int64(generation), candidateWindow: current.candidateWindow, reusing: current)
            }
        }
        let replaced = entries.withLock { entries -> PromotionSnapshot? in
            guard var entry = entries[tenant], entry.builtGeneration < generation else { return nil }
            let old = entry.snapshot
            entry.snapshot = snapshot
            entry.builtGeneration = generation
            entry.snapshotPromotionsTicket = parts.promotionsTicket
            entries[tenant] = entry
            return old
        }
        withExtendedLifetime(replaced) {}  // a million codes' old table is freed here, not under the lock
    }

    static func digest(_ promotions: [Promotion], _ coupons: CouponSetHash) -> String {
        var hash = SHA256()
        for promotion in promotions.sorted(by: { $0.id < $1.id }) {
            hash.update(data: Data("P\(promotion.id)\u{1}\(promotion.version)\u{1}\(promotion.document.jsonText)\u{0}".utf8))
        }
        hash.update(data: coupons.bytes)
        return hash.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
