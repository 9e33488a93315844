import Rules

/// An immutable, pre-compiled view of one tenant's promotions and coupons: everything pricing
/// needs, so pricing never locks and never queries storage.
///
/// Build a new snapshot when promotions or coupons change and swap the reference atomically
/// (e.g. in a `Mutex<PromotionSnapshot>` or an atomic reference per tenant); readers keep using
/// the snapshot they loaded. Building compiles every distinct trigger and target once.
///
/// `Sendable` without `@unchecked`: a final class whose stored properties are all `let`s of
/// `Sendable` types.
public final class PromotionSnapshot: Sendable {
    /// The change-feed position or counter this snapshot was built from.
    public let version: Int64
    /// Enabled promotions in canonical order: priority descending, then id ascending.
    let promotions: [CompiledPromotion]
    /// Promotion id → index in ``promotions``.
    let promotionIndex: [String: Int]
    /// Distinct compiled triggers.
    let triggers: [CompiledCondition]
    /// Distinct compiled targets.
    let targets: [TargetMatcher]
    /// Inverted index over ``targets``.
    let targetIndex: TargetIndex
    /// Normalised coupon code → coupon.
    let coupons: [String: Coupon]
    /// Fields the conditions can read (the rest of the documents is never built).
    let fieldUsage: FieldUsage
    /// Stacking acceptance as flat bit sets: promotion *p* accepts *q* when `acceptsAll[p]` or bit
    /// *q* of row *p* (`acceptanceWords` words per row) is set.
    let acceptsAll: [Bool]
    let acceptance: [UInt64]
    let acceptanceWords: Int

    /// Builds a snapshot. Disabled promotions are dropped; the input order of `promotions` and
    /// `coupons` does not matter. If two coupons share a normalised code, the one of the
    /// smallest promotion id is kept (storage should make codes unique per tenant).
    public init(promotions: [Promotion], coupons: [Coupon] = [], version: Int64 = 0) {
        self.version = version
        let enabled = promotions.filter(\.enabled).sorted {
            $0.priority != $1.priority ? $0.priority > $1.priority : $0.id < $1.id
        }
        var usage = FieldUsage()
        var triggerSlots: [Condition: Int] = [:]
        var triggers: [CompiledCondition] = []
        var targetSlots: [Condition: Int] = [:]
        var targets: [TargetMatcher] = []
        var kept: [(Promotion, Int?, Int?)] = []
        var index: [String: Int] = [:]
        for promotion in enabled where index[promotion.id] == nil {
            var trigger: Int?
            if let condition = promotion.trigger?.normalized() {
                if let slot = triggerSlots[condition] {
                    trigger = slot
                } else {
                    trigger = triggers.count
                    triggerSlots[condition] = triggers.count
                    triggers.append(condition.compile())
                    usage.addTrigger(condition.root)
                }
            }
            var target: Int?
            if let condition = promotion.target?.normalized() {
                if let slot = targetSlots[condition] {
                    target = slot
                } else {
                    target = targets.count
                    targetSlots[condition] = targets.count
                    let prefilter = LinePrefilter.extract(from: condition.root)
                    let native = LinePredicate.compile(condition.root)
                    // A target decided by the index alone, or evaluated natively, never reads the
                    // line document.
                    if prefilter?.isExact != true && native == nil { usage.addTarget(condition.root) }
                    targets.append(TargetMatcher(condition: condition.compile(), prefilter: prefilter, native: native))
                }
            }
            index[promotion.id] = kept.count
            kept.append((promotion, trigger, target))
        }
        // combinesWith entries name promotion ids or groups; resolve both to snapshot indices.
        var groups: [String: [Int]] = [:]
        for (position, entry) in kept.enumerated() {
            if let group = entry.0.group { groups[group, default: []].append(position) }
        }
        let words = (kept.count + 63) / 64
        let compiled = kept.enumerated().map { position, entry in
            var accepted = [UInt64](repeating: 0, count: words)
            for name in entry.0.combinesWith {
                for other in (index[name].map { [$0] } ?? []) + (groups[name] ?? []) {
                    accepted[other >> 6] |= 1 << UInt64(other & 63)
                }
            }
            return CompiledPromotion(promotion: entry.0, index: position, trigger: entry.1, target: entry.2, accepted: accepted)
        }
        var couponTable: [String: Coupon] = [:]
        for coupon in coupons {
            if let existing = couponTable[coupon.code], existing.promotionID <= coupon.promotionID { continue }
            couponTable[coupon.code] = coupon
        }
        self.promotions = compiled
        self.promotionIndex = index
        self.triggers = triggers
        self.targets = targets
        self.targetIndex = TargetIndex(targets: targets)
        self.coupons = couponTable
        self.fieldUsage = usage
        self.acceptsAll = compiled.map(\.combinesWithAll)
        self.acceptance = compiled.flatMap(\.accepted)
        self.acceptanceWords = words
    }

    /// Whether promotion `p` accepts being stacked with promotion `q` (snapshot indices).
    @inline(__always)
    func accepts(_ p: Int, _ q: Int) -> Bool {
        if acceptsAll[p] { return true }
        return acceptance[p &* acceptanceWords &+ (q >> 6)] >> UInt64(q & 63) & 1 == 1
    }

    /// The enabled promotions, in canonical order (priority descending, then id).
    public var activePromotions: [Promotion] { promotions.map(\.promotion) }

    /// The coupon with this code (any spelling), if any.
    public func coupon(code: String) -> Coupon? { coupons[Coupon.normalize(code)] }
}
