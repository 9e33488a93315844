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
    /// Whether any trigger reads `lines` (otherwise the cart document is built without them).
    let triggersReadLines: Bool

    /// Builds a snapshot. Disabled promotions are dropped; the input order of `promotions` and
    /// `coupons` does not matter. If two coupons share a normalised code, the one of the
    /// smallest promotion id is kept (storage should make codes unique per tenant).
    public init(promotions: [Promotion], coupons: [Coupon] = [], version: Int64 = 0) {
        self.version = version
        let enabled = promotions.filter(\.enabled).sorted {
            $0.priority != $1.priority ? $0.priority > $1.priority : $0.id < $1.id
        }
        var readsLines = false
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
                    readsLines = readsLines || condition.root.reads(field: "lines")
                }
            }
            var target: Int?
            if let condition = promotion.target?.normalized() {
                if let slot = targetSlots[condition] {
                    target = slot
                } else {
                    target = targets.count
                    targetSlots[condition] = targets.count
                    targets.append(TargetMatcher(condition: condition.compile(), prefilter: LinePrefilter.extract(from: condition.root)))
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
        let compiled = kept.enumerated().map { position, entry in
            var accepted: Set<Int> = []
            for name in entry.0.combinesWith {
                if let other = index[name] { accepted.insert(other) }
                accepted.formUnion(groups[name] ?? [])
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
        self.triggersReadLines = readsLines
    }

    /// The enabled promotions, in canonical order (priority descending, then id).
    public var activePromotions: [Promotion] { promotions.map(\.promotion) }

    /// The coupon with this code (any spelling), if any.
    public func coupon(code: String) -> Coupon? { coupons[Coupon.normalize(code)] }
}

extension RuleNode {
    /// Whether any field predicate's path starts with `field` (sub-conditions of `$elemMatch`
    /// are relative to the matched element and do not count).
    func reads(field: String) -> Bool {
        switch self {
        case .constant: false
        case .and(let children), .or(let children), .nor(let children): children.contains { $0.reads(field: field) }
        case .not(let child): child.reads(field: field)
        case .field(let predicate): predicate.path.segments.first.map { $0.utf8.elementsEqual(field.utf8) } ?? false
        }
    }
}
