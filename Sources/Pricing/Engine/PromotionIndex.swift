import Rules

/// The promotion index: given a cart, the small set of *candidate* promotions — a superset of
/// every promotion that can apply (no false negatives; the full pre-checks and conditions still
/// run on each candidate).
///
/// Each promotion is filed under one **access predicate**: a set of keys of which the cart must
/// contain at least one for the promotion to have any chance (the k-index of Whang et al.,
/// VLDB 2009, specialised to the one conjunct we index: the cheapest necessary disjunction).
/// Necessary disjunctions come from every part of a promotion that a cart must satisfy:
///
/// * `coupon: true` — one of its codes is presented (and valid): it is found through the coupon table;
/// * `channels` / `stores` (non-empty) — the cart's channel / store is one of them;
/// * (`currency` is necessary too but matches nearly every cart: not used as a key;)
/// * the `target` — every action in this engine needs at least one target line
///   (`no_matching_lines` otherwise), so a target implying `sku`/`category`/`brand`/`id` ∈ S
///   requires a cart line with such a value;
/// * the `trigger` — `$eq`/`$in` of string (or, for `customer.loyaltyCard`, boolean) literals on
///   `channel`, `store`, `currency`, `customer.tier|id|loyaltyCard`, `coupons`, `customer.audiences` and, through
///   implicit array traversal or a query-form `$elemMatch` on `lines`, on a line's
///   `sku`/`category`/`brand`/`id`.
///
/// Soundness w.r.t. the rules language (MongoDB semantics): a leaf `$eq`/`$in` of plain literals
/// matches only if some value at the path equals one of them; the cart fields above hold strings
/// (or a boolean), never arrays except `coupons`, `customer.audiences` and `lines` whose elements are traversed exactly
/// like the index does, so the leaf implies one of its keys. An `$and` implies each conjunct's
/// keys; an `$or` the union of its children's (every child must imply something); `$not`,
/// `$nor`, `$ne`, `$nin`, ranges, `$exists`, `null` and typed literals imply nothing (never
/// indexed positively). A `false` condition implies the empty set: the promotion is never a
/// candidate (it can never apply). Condition strings compare byte-wise, so keys from conditions
/// are UTF-8 bytes; `channels`/`stores` compare with Swift's `==` (Unicode canonical
/// equivalence), so those keys are Swift strings; currency codes are ASCII.
///
/// Promotions with no necessary key go to an always-evaluated list (``PromotionIndexStatistics``).
struct PromotionIndex: Sendable {
    /// Key kinds; the first four are line fields.
    enum Kind: UInt8, CaseIterable {
        case sku = 0, category, brand, lineID, channel, store, currency, tier, loyaltyCard, customerID, coupon, audience

        /// Relative frequency guess in carts (lower = more selective) for choosing the access predicate.
        var weight: Int {
            switch self {
            case .sku, .customerID, .coupon: 1
            case .store: 3
            case .audience: 5
            case .category, .brand: 10
            case .lineID: 30
            case .tier: 40
            case .channel: 50
            case .loyaltyCard: 80
            case .currency: 100
            }
        }

        static let lineKinds: [Kind] = [.sku, .category, .brand, .lineID]
    }

    /// A key: kind + UTF-8 bytes.
    struct Key: Hashable {
        var kind: Kind
        var bytes: [UInt8]
    }

    /// A necessary disjunction: the cart must contain one of `keys` (for a target, a line must
    /// have one of them; `exact[i]` = a line having `keys[i]` matches the whole target).
    struct Alternative {
        var keys: [Key]
        var exact: [Bool]
        var cost: Int { keys.reduce(0) { $0 + $1.kind.weight } }
    }

    /// One key's posting while the index is built: a promotion index, or a target's
    /// `index << 1 | exact`; the key's bytes are `length` bytes at `offset` of an arena.
    struct Posting {
        var kind: UInt8
        var offset: UInt32
        var length: UInt32
        var isTarget: Bool
        var value: Int32

        /// Key order of the table: kind, then bytes (lexicographic, a prefix first).
        static func compareKeys(_ a: Posting, _ b: Posting, _ arena: UnsafeBufferPointer<UInt8>) -> Int32 {
            if a.kind != b.kind { return a.kind < b.kind ? -1 : 1 }
            let common = Int(min(a.length, b.length))
            if common > 0, case let order = memcmp(arena.baseAddress! + Int(a.offset), arena.baseAddress! + Int(b.offset), common), order != 0 {
                return order
            }
            return a.length == b.length ? 0 : (a.length < b.length ? -1 : 1)
        }

        /// Key order, then promotions before targets, ascending.
        static func precedes(_ a: Posting, _ b: Posting, _ arena: UnsafeBufferPointer<UInt8>) -> Bool {
            let order = compareKeys(a, b, arena)
            if order != 0 { return order < 0 }
            if a.isTarget != b.isTarget { return !a.isTarget }
            return a.value < b.value
        }
    }

    /// How a promotion is reached.
    enum Access {
        case always
        case never
        case coupon
        case keys([Key])
        case channels([String])
        case stores([String])
    }

    // MARK: Byte-keyed hash table (open addressing; keys compared byte-wise, no false hits)

    struct Entry: Sendable {
        var hash: UInt64
        var kind: UInt8
        var keyOffset: UInt32
        var keyLength: UInt32
        var promotionStart: UInt32
        var promotionEnd: UInt32
        var targetStart: UInt32
        var targetEnd: UInt32
    }

    /// Open addressing: per slot, the upper 32 bits of its key's hash (a tag) and entry + 1 in
    /// the lower 32 (0 = empty). A lookup that misses (most SKUs of a cart) is decided by the tags
    /// alone, without touching `entries` — with thousands of keys, a cache miss saved per probe.
    let slots: [UInt64]
    let entries: [Entry]
    let keyBytes: [UInt8]
    /// Promotion snapshot indices per entry.
    let promotionPostings: [Int32]
    /// Target index `<< 1 | exact` per entry.
    let targetPostings: [Int32]
    /// Bit *k* set when some entry has kind *k*.
    let kindMask: UInt32
    /// Promotion field keys (Swift `String` equality, as the pre-checks).
    let channelPostings: [String: [Int32]]
    let storePostings: [String: [Int32]]
    /// Promotions evaluated for every cart.
    let always: [Int32]
    /// Per target: whether it has a line prefilter (its lines come from the table).
    let targetPrefiltered: [Bool]
    let statistics: PromotionIndexStatistics

    /// - Parameters:
    ///   - triggerAlternatives: per distinct trigger, ``alternatives(_:line:)`` of its normalised root.
    ///   - targetAlternatives: per distinct target, its cheapest line alternative, if any.
    init(promotions: [CompiledPromotion], triggerAlternatives: [[Alternative]], targetAlternatives: [Alternative?], sharedConditions: Int) {
        // Every (key, posting) pair, sorted by key then grouped: no hashing of keys while
        // building (with a 10,000-sku promotion, hashing into per-key arrays was most of a
        // rebuild). The pairs' key bytes sit in one arena, so comparing two is a memcmp.
        var pairs: [Posting] = []
        var arena: [UInt8] = []
        func add(_ key: Key, isTarget: Bool, _ value: Int32) {
            pairs.append(Posting(kind: key.kind.rawValue, offset: UInt32(arena.count), length: UInt32(key.bytes.count), isTarget: isTarget, value: value))
            arena += key.bytes
        }
        var channels: [String: [Int32]] = [:]
        var stores: [String: [Int32]] = [:]
        var always: [Int32] = []
        var never = 0
        var couponOnly = 0
        var targetPrefiltered = [Bool](repeating: false, count: targetAlternatives.count)
        for (t, best) in targetAlternatives.enumerated() {
            if let best, !best.keys.isEmpty {
                targetPrefiltered[t] = true
                for (key, exact) in zip(best.keys, best.exact) { add(key, isTarget: true, Int32(t) << 1 | (exact ? 1 : 0)) }
            } else if best != nil {
                targetPrefiltered[t] = true  // matches no line
            }
        }
        for promotion in promotions {
            let p = Int32(promotion.index)
            switch PromotionIndex.access(of: promotion, triggerAlternatives: triggerAlternatives, targetAlternatives: targetAlternatives) {
            case .always: always.append(p)
            case .never: never += 1
            case .coupon: couponOnly += 1
            case .keys(let keys):
                for key in keys { add(key, isTarget: false, p) }  // repeats dropped below
            case .channels(let names):
                for name in Set(names) { channels[name, default: []].append(p) }
            case .stores(let names):
                for name in Set(names) { stores[name, default: []].append(p) }
            }
        }
        var entries: [Entry] = []
        var keyBytes: [UInt8] = []
        var promotionPostings: [Int32] = []
        var targetPostings: [Int32] = []
        var kindMask: UInt32 = 0
        arena.withUnsafeBufferPointer { arena in
            pairs.sort { Posting.precedes($0, $1, arena) }
            var first = 0
            while first < pairs.count {
                var end = first + 1
                while end < pairs.count && Posting.compareKeys(pairs[end], pairs[first], arena) == 0 { end += 1 }
                let key = pairs[first]
                let bytes = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: arena[Int(key.offset)..<Int(key.offset + key.length)]))
                let promotionStart = promotionPostings.count
                let targetStart = targetPostings.count
                for pair in pairs[first..<end] {
                    if pair.isTarget {
                        targetPostings.append(pair.value)
                    } else if promotionPostings.count == promotionStart || promotionPostings.last != pair.value {
                        promotionPostings.append(pair.value)  // a promotion once per key
                    }
                }
                entries.append(Entry(hash: PromotionIndex.hash(key.kind, bytes), kind: key.kind,
                                     keyOffset: UInt32(keyBytes.count), keyLength: key.length,
                                     promotionStart: UInt32(promotionStart), promotionEnd: UInt32(promotionPostings.count),
                                     targetStart: UInt32(targetStart), targetEnd: UInt32(targetPostings.count)))
                keyBytes += bytes
                kindMask |= 1 << UInt32(key.kind)
                first = end
            }
        }
        var capacity = 16
        while capacity < entries.count * 4 { capacity <<= 1 }  // load ≤ 1/4: a missing key (most SKUs) takes ~1.3 probes
        var slots = [UInt64](repeating: 0, count: capacity)
        for (position, entry) in entries.enumerated() {
            var slot = Int(truncatingIfNeeded: entry.hash) & (capacity - 1)
            while slots[slot] != 0 { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = (entry.hash & 0xFFFF_FFFF_0000_0000) | UInt64(position + 1)
        }
        self.slots = slots
        self.entries = entries
        self.keyBytes = keyBytes
        self.promotionPostings = promotionPostings
        self.targetPostings = targetPostings
        self.kindMask = kindMask
        self.channelPostings = channels
        self.storePostings = stores
        self.always = always
        self.targetPrefiltered = targetPrefiltered
        let fieldPostings = channels.values.reduce(0) { $0 + $1.count } + stores.values.reduce(0) { $0 + $1.count }
        let entryCount = entries.count + channels.count + stores.count
        let postingCount = promotionPostings.count + targetPostings.count + fieldPostings
        let bytes = slots.count * 8 + entries.count * MemoryLayout<Entry>.stride + keyBytes.count + postingCount * 4
            + (channels.count + stores.count) * 64 + always.count * 4 + targetPrefiltered.count
        statistics = PromotionIndexStatistics(
            promotions: promotions.count, indexed: promotions.count - always.count - never - couponOnly, couponOnly: couponOnly,
            neverApplicable: never, alwaysEvaluated: always.count, keys: entryCount, postings: postingCount, estimatedBytes: bytes,
            sharedConditions: sharedConditions)
    }

    /// The access predicate of a promotion: the cheapest necessary disjunction.
    static func access(of promotion: CompiledPromotion, triggerAlternatives: [[Alternative]], targetAlternatives: [Alternative?]) -> Access {
        if promotion.requiresCoupon { return .coupon }
        var best: Access = .always
        var bestCost = Int.max
        func consider(_ access: Access, _ cost: Int) {
            if cost < bestCost { best = access; bestCost = cost }
        }
        if let trigger = promotion.trigger, trigger < triggerAlternatives.count {
            for alternative in triggerAlternatives[trigger] {
                if alternative.keys.isEmpty { return .never }
                consider(.keys(alternative.keys), alternative.cost)
            }
        }
        if let target = promotion.target, target < targetAlternatives.count, let alternative = targetAlternatives[target] {
            if alternative.keys.isEmpty { return .never }
            consider(.keys(alternative.keys), alternative.cost)
        }
        if !promotion.stores.isEmpty { consider(.stores(promotion.stores), promotion.stores.count * Kind.store.weight) }
        if !promotion.channels.isEmpty { consider(.channels(promotion.channels), promotion.channels.count * Kind.channel.weight) }
        // The promotion's `currency` is a necessary key too, but it matches nearly every cart
        // of a tenant: a promotion with nothing better is always evaluated (its currency is
        // the first, cheapest pre-check anyway).
        return best
    }

    /// Necessary disjunctions implied by a normalised condition (on the cart document, or on a
    /// line document when `line`); every returned alternative must hold for the condition to hold.
    static func alternatives(_ node: RuleNode, line: Bool) -> [Alternative] {
        switch node {
        case .constant(let value):
            return value ? [] : [Alternative(keys: [], exact: [])]
        case .not, .nor:
            return []
        case .and(let children):
            return children.flatMap { child in
                alternatives(child, line: line).map { Alternative(keys: $0.keys, exact: $0.keys.map { _ in false }) }
            }
        case .or(let children):
            var keys: [Key] = []
            var exact: [Bool] = []
            for child in children {
                guard let best = alternatives(child, line: line).min(by: { $0.cost < $1.cost }) else { return [] }
                keys += best.keys
                exact += best.exact
            }
            return [Alternative(keys: keys, exact: exact)]
        case .field(let predicate):
            let segments = predicate.path.segments
            func named(_ segment: String, _ name: String) -> Bool { segment.utf8.elementsEqual(name.utf8) }
            func lineKind(_ segment: String) -> Kind? {
                if named(segment, "sku") { return .sku }
                if named(segment, "category") { return .category }
                if named(segment, "brand") { return .brand }
                if named(segment, "id") { return .lineID }
                return nil
            }
            var kind: Kind?
            if line {
                if segments.count == 1 { kind = lineKind(segments[0]) }
            } else if segments.count == 1 {
                if named(segments[0], "channel") { kind = .channel }
                else if named(segments[0], "store") { kind = .store }
                else if named(segments[0], "currency") { kind = .currency }
                else if named(segments[0], "coupons") { kind = .coupon }
                else if named(segments[0], "lines"), case .elemMatch(.document(let inner)) = predicate.test {
                    // Query-form $elemMatch on the lines: some line matches `inner`.
                    return alternatives(inner, line: true).map { Alternative(keys: $0.keys, exact: $0.keys.map { _ in false }) }
                }
            } else if segments.count == 2 {
                if named(segments[0], "customer") {
                    if named(segments[1], "tier") { kind = .tier }
                    else if named(segments[1], "id") { kind = .customerID }
                    else if named(segments[1], "loyaltyCard") { kind = .loyaltyCard }
                    else if named(segments[1], "audiences") { kind = .audience }
                } else if named(segments[0], "lines") {
                    kind = lineKind(segments[1])
                }
            }
            guard let kind else { return [] }
            let literals: [RuleLiteral]
            switch predicate.test {
            case .eq(let literal): literals = [literal]
            case .in(let list): literals = list
            default: return []
            }
            var keys: [Key] = []
            for literal in literals {
                switch (kind, literal) {
                case (.loyaltyCard, .value(.bool(let flag))): keys.append(Key(kind: kind, bytes: Array((flag ? "true" : "false").utf8)))
                case (.loyaltyCard, _): return []
                case (_, .value(.string(let text))): keys.append(Key(kind: kind, bytes: Array(text.utf8)))
                default: return []
                }
            }
            return [Alternative(keys: keys, exact: keys.map { _ in line })]
        }
    }

    // MARK: Lookup

    @inline(__always)
    static func hash(_ kind: UInt8, _ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ (UInt64(kind) << 56) ^ UInt64(truncatingIfNeeded: bytes.count)
        var i = 0
        let count = bytes.count
        while i + 8 <= count {
            h = (h ^ bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 29
            i += 8
        }
        if i < count {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < count { tail |= UInt64(bytes[i]) << shift; shift += 8; i += 1 }
            h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
            h ^= h >> 31
        }
        return h &* 0xBF58_476D_1CE4_E5B9 ^ (h >> 32)
    }

    /// Whether any key of this kind exists.
    @inline(__always)
    func has(_ kind: Kind) -> Bool { kindMask >> UInt32(kind.rawValue) & 1 == 1 }

    /// The entry for (kind, bytes of `text`), or -1.
    func lookup(_ kind: Kind, _ text: String) -> Int {
        var text = text
        return text.withUTF8 { utf8 in lookup(kind, UnsafeRawBufferPointer(utf8)) }
    }

    func lookup(_ kind: Kind, _ bytes: UnsafeRawBufferPointer) -> Int {
        guard !entries.isEmpty else { return -1 }
        let hash = PromotionIndex.hash(kind.rawValue, bytes)
        return slots.withUnsafeBufferPointer { slots in
            entries.withUnsafeBufferPointer { entries in
                let mask = slots.count - 1
                var slot = Int(truncatingIfNeeded: hash) & mask
                let tag = hash >> 32
                while true {
                    let word = slots[slot]
                    if word == 0 { return -1 }
                    let index = Int(truncatingIfNeeded: word & 0xFFFF_FFFF) - 1
                    if word >> 32 == tag, entries[index].hash == hash, entries[index].kind == kind.rawValue,
                       Int(entries[index].keyLength) == bytes.count {
                        let entry = entries[index]
                        let same = keyBytes.withUnsafeBytes { stored in
                            bytes.count == 0 || memcmp(stored.baseAddress! + Int(entry.keyOffset), bytes.baseAddress!, bytes.count) == 0
                        }
                        if same { return index }
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
