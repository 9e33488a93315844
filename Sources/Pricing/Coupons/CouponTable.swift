import Synchronization

/// A tenant's coupons by normalised code, built once per coupon reload and shared by every
/// snapshot built until the next one: a promotion change does not rebuild a million codes.
public final class CouponTable: Sendable {
    let coupons: [String: Coupon]

    /// If two coupons share a normalised code, the one of the smallest promotion id is kept
    /// (storage should make codes unique per tenant).
    public init(_ coupons: some Sequence<Coupon>) {
        var table: [String: Coupon] = [:]
        for coupon in coupons {
            if let existing = table[coupon.code], existing.promotionID <= coupon.promotionID { continue }
            table[coupon.code] = coupon
        }
        self.coupons = table
    }

    public var count: Int { coupons.count }
}

/// Which limited coupons have no use left. A tenant's successive snapshots share one and it is
/// updated in place, so a code running out does not rebuild the snapshot (with a million
/// single-use codes each rebuild took seconds, and a busy checkout exhausts codes every second).
public final class CouponAvailability: Sendable {
    let exhausted: Mutex<Set<String>>

    public init(exhausted: Set<String> = []) {
        self.exhausted = Mutex(exhausted)
    }

    /// Installs `codes` as the exhausted set, plus `later` codes (marked after it was read), and
    /// hands the old set back in `codes`, for the caller to free outside its own locks (pricing
    /// reads take them). Pass a set nothing else holds: `later` then inserts without copying it.
    public func replace(with codes: inout Set<String>, alsoExhausted later: some Sequence<String> = [String]()) {
        exhausted.withLock { current in
            swap(&current, &codes)
            for code in later { current.insert(code) }
        }
    }

    /// Marks a normalised code exhausted; false when it already was.
    @discardableResult
    public func markExhausted(_ code: String) -> Bool {
        exhausted.withLock { $0.insert(code).inserted }
    }

    public func isExhausted(_ code: String) -> Bool {
        exhausted.withLock { $0.contains(code) }
    }
}
