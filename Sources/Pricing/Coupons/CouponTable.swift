import Synchronization

/// A tenant's coupons by normalised code, built once per coupon reload and shared by every
/// snapshot built until the next one: a promotion change does not rebuild a million codes, and
/// a change to a few codes layers them over the shared rest (see ``LayeredDictionary``).
///
/// It holds the stored definitions and builds a ``Coupon`` per lookup, so the catalog's
/// definitions and pricing's table are one dictionary: a million codes were held twice.
public final class CouponTable: Sendable {
    public let definitions: LayeredDictionary<CouponDefinition>

    /// If two coupons share a normalised code, the one of the smallest promotion id is kept
    /// (storage should make codes unique per tenant). A coupon's `isAvailable` is not kept: see
    /// ``PromotionSnapshot/init(promotions:coupons:version:candidateWindow:)``.
    public convenience init(_ coupons: some Sequence<Coupon>) {
        self.init(kept: Self.kept(coupons))
    }

    /// Over the coupons ``kept(_:)`` returned.
    convenience init(kept: [String: Coupon]) {
        self.init(definitions: LayeredDictionary(kept.mapValues { coupon in
            CouponDefinition(code: coupon.code, promotionID: coupon.promotionID, kind: coupon.kind,
                             customerID: coupon.customerID, startsAt: coupon.startsAt, endsAt: coupon.endsAt)
        }))
    }

    /// The coupon kept per normalised code: the one of the smallest promotion id (the first of equals).
    static func kept(_ coupons: some Sequence<Coupon>) -> [String: Coupon] {
        var kept: [String: Coupon] = [:]
        for coupon in coupons {
            if let existing = kept[coupon.code], existing.promotionID <= coupon.promotionID { continue }
            kept[coupon.code] = coupon
        }
        return kept
    }

    /// Over definitions keyed by their normalised code.
    public init(definitions: LayeredDictionary<CouponDefinition>) {
        self.definitions = definitions
    }

    /// The coupon of a normalised code.
    public subscript(code: String) -> Coupon? { definitions[code]?.coupon() }

    public var count: Int { definitions.count }
}

/// Which limited coupons have no use left, and who holds a live reservation of one. A tenant's
/// successive snapshots share one and it is updated in place, so a code running out does not
/// rebuild the snapshot (with a million single-use codes each rebuild took seconds, and a busy
/// checkout exhausts codes every second).
///
/// A customer who reserved a code's last use still sees it apply when their cart is priced
/// again (checkout re-prices after reserving); everyone else sees it exhausted.
public final class CouponAvailability: Sendable {
    struct State {
        var exhausted: Set<String>
        /// Normalised code → customers holding live (reserved, unexpired) uses of it → their
        /// redemption ids. Ids, not counts: a hold recorded here that a refresh's read already
        /// saw (or a release it already missed) is applied again without counting twice, and
        /// with `perCustomer` ≥ 2 confirming one of two reservations keeps the other.
        var holders: [String: [String: Set<String>]]
    }

    let state: Mutex<State>

    public init(exhausted: Set<String> = [], holders: [String: [String: Set<String>]] = [:]) {
        self.state = Mutex(State(exhausted: exhausted, holders: holders))
    }

    /// Installs `codes` as the exhausted set, plus `later` codes (marked after it was read), and
    /// `holders`, then applies `laterHolds` (reservations seen after the read began, oldest
    /// first). Hands the old set and holders back in `codes` and `holders`, for the caller to free
    /// outside its own locks (pricing reads take them). Pass values nothing else holds: `later`
    /// then inserts without copying them.
    public func replace(with codes: inout Set<String>, holders: inout [String: [String: Set<String>]],
                        alsoExhausted later: some Sequence<String> = [String](), laterHolds: [Hold] = []) {
        state.withLock { current in
            swap(&current.exhausted, &codes)
            Self.install(&holders, later: later, laterHolds: laterHolds, into: &current)
        }
    }

    /// Applies a read of the codes whose state changed (true: exhausted now) in place, installs
    /// `holders`, then as ``replace(with:holders:alsoExhausted:laterHolds:)``. Hands the old
    /// holders back in `holders`.
    public func apply(_ changes: [String: Bool], holders: inout [String: [String: Set<String>]],
                      alsoExhausted later: some Sequence<String>, laterHolds: [Hold]) {
        state.withLock { current in
            for (code, exhausted) in changes {
                if exhausted { current.exhausted.insert(code) } else { current.exhausted.remove(code) }
            }
            Self.install(&holders, later: later, laterHolds: laterHolds, into: &current)
        }
    }

    /// What both kinds of read install after the exhausted codes: the holders read (the old ones
    /// handed back in `holders`), then what this instance saw after the read began.
    static func install(_ holders: inout [String: [String: Set<String>]], later: some Sequence<String>, laterHolds: [Hold],
                        into current: inout State) {
        swap(&current.holders, &holders)
        for code in later { current.exhausted.insert(code) }
        for hold in laterHolds { apply(hold, to: &current.holders) }
    }

    /// Marks a normalised code exhausted; false when it already was.
    @discardableResult
    public func markExhausted(_ code: String) -> Bool {
        state.withLock { $0.exhausted.insert(code).inserted }
    }

    /// Records that a customer took (or gave back, or used) a reservation of a code.
    public func record(_ hold: Hold) {
        state.withLock { Self.apply(hold, to: &$0.holders) }
    }

    /// Whether `code` has no use left for `customer` (one holding a live reservation has one).
    public func isExhausted(_ code: String, for customer: String? = nil) -> Bool {
        state.withLock { state in
            guard state.exhausted.contains(code) else { return false }
            guard let customer, let held = state.holders[code]?[customer] else { return true }
            return held.isEmpty
        }
    }

    /// A reservation taken (`held`) or ended (confirmed, cancelled) by this instance.
    public struct Hold: Sendable, Hashable {
        public var code: String
        public var customer: String
        /// The redemption's id.
        public var reservation: String
        public var held: Bool

        public init(code: String, customer: String, reservation: String, held: Bool) {
            self.code = code
            self.customer = customer
            self.reservation = reservation
            self.held = held
        }
    }

    /// Codes with local holds kept at most: every reservation is recorded (whether it took the
    /// last use is not known here) and the 2 s refresh replaces them with the read; if that
    /// read keeps failing, new codes stop being added rather than growing without bound.
    public static let maxHeldCodes = 100_000

    static func apply(_ hold: Hold, to holders: inout [String: [String: Set<String>]]) {
        if hold.held {
            if holders[hold.code] == nil, holders.count >= maxHeldCodes { return }
            holders[hold.code, default: [:]][hold.customer, default: []].insert(hold.reservation)
        } else {
            holders[hold.code]?[hold.customer]?.remove(hold.reservation)
            if holders[hold.code]?[hold.customer]?.isEmpty == true { holders[hold.code]?[hold.customer] = nil }
            if holders[hold.code]?.isEmpty == true { holders[hold.code] = nil }
        }
    }
}
