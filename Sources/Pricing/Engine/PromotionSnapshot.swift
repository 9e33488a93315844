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
    /// Distinct normalised triggers' top-level conjuncts, compiled once and shared across
    /// triggers (hash-consed on the normalised AST): each is evaluated at most once per cart.
    let conjuncts: [CompiledCondition]
    /// Per shared conjunct: the same condition over the typed cart fields, when it compiles so
    /// (then the cart's rule document is not needed for it).
    let nativeConjuncts: [CartPredicate?]
    /// Per distinct trigger: its conjuncts (indices into ``conjuncts``), cheapest first.
    let triggerConjuncts: [[Int32]]
    /// The promotion index (candidates per cart) and the inverted index of target lines.
    let index: PromotionIndex
    /// What the index holds.
    public let indexStatistics: PromotionIndexStatistics
    /// Candidates per priced cart over the last calls (updated by `PricingEngine.price`).
    public let candidateWindow: CandidateWindow
    /// Normalised coupon code → coupon.
    let couponTable: CouponTable
    /// Limited coupons used up since `couponTable` was built (shared with later snapshots).
    let availability: CouponAvailability
    /// The saved audiences the triggers test (the memberships a server must look up per cart).
    public let audienceReferences: AudienceReferences
    /// Fields the conditions can read (the rest of the documents is never built).
    let fieldUsage: FieldUsage
    /// This snapshot's compiled conditions, for the next build to reuse.
    let conditionCache: CompiledConditionCache
    /// Builds a snapshot. Disabled promotions are dropped; the input order of `promotions` and
    /// `coupons` does not matter. If two coupons share a normalised code, the one of the
    /// smallest promotion id is kept (storage should make codes unique per tenant).
    ///
    /// - Parameter candidateWindow: where `price` records candidates per cart; pass the previous
    ///   snapshot's window to keep its history across changes (default: a new window).
    /// A kept limited coupon with `isAvailable` false is exhausted for everyone (the table keeps
    /// definitions; availability lives in the snapshot's ``CouponAvailability``). A coupon that
    /// loses its code to another never makes that one exhausted.
    public convenience init(promotions: [Promotion], coupons: [Coupon] = [], version: Int64 = 0, candidateWindow: CandidateWindow? = nil) {
        let kept = CouponTable.kept(coupons)
        let usedUp = Set(kept.values.filter { !$0.isAvailable }.map(\.code))
        self.init(promotions: promotions, couponTable: CouponTable(kept: kept), availability: CouponAvailability(exhausted: usedUp),
                  version: version, candidateWindow: candidateWindow)
    }

    /// Builds a snapshot over an already built coupon table (definitions: a `Coupon`'s
    /// `isAvailable` is not in it); `availability` says which limited codes are used up.
    ///
    /// - Parameter previous: a snapshot built before (usually the tenant's current one): its
    ///   compiled conditions are reused where a promotion's condition is written the same
    ///   (canonical bytes and field pointers), so a write recompiles only what it changed.
    public init(promotions: [Promotion], couponTable: CouponTable, availability: CouponAvailability = CouponAvailability(),
                version: Int64 = 0, candidateWindow: CandidateWindow? = nil, reusing previous: PromotionSnapshot? = nil) {
        self.version = version
        self.candidateWindow = candidateWindow ?? CandidateWindow()
        let enabled = promotions.filter(\.enabled).sorted {
            $0.priority != $1.priority ? $0.priority > $1.priority : $0.id < $1.id
        }
        var usage = FieldUsage()
        var triggerSlots: [CompiledConditionCache.Key: Int] = [:]
        var triggers: [CompiledCondition] = []
        var targetSlots: [CanonicalBytes: Int] = [:]
        var targets: [TargetMatcher] = []
        var triggerRoots: [RuleNode] = []
        var triggerAlternatives: [[PromotionIndex.Alternative]] = []
        var targetAlternatives: [PromotionIndex.Alternative?] = []
        var conjunctSlots: [CanonicalBytes: Int32] = [:]
        var conjuncts: [CompiledCondition] = []
        var nativeConjuncts: [CartPredicate?] = []
        var triggerConjuncts: [[Int32]] = []
        var kept: [(Promotion, Int?, Int?)] = []
        var index: [String: Int] = [:]
        var cachedTriggers: [CompiledConditionCache.Key: CompiledConditionCache.Trigger] = [:]
        var cachedTargets: [CompiledConditionCache.Key: CompiledConditionCache.Target] = [:]
        for promotion in enabled where index[promotion.id] == nil {
            var trigger: Int?
            if let raw = promotion.trigger {
                let cacheKey = CompiledConditionCache.key(raw)
                let compiled = cachedTriggers[cacheKey] ?? previous?.conditionCache.triggers[cacheKey] ?? .init(raw)
                cachedTriggers[cacheKey.sharing(compiled.key)] = compiled  // one copy of equal bytes
                // De-duplicated by canonical bytes: `Condition`'s `==` follows Swift's Unicode-
                // canonical string equality, but conditions compare strings byte-wise.
                // Shared only when written alike too: explanations report the compiled trigger's
                // field pointers (conjuncts, used only to match, are shared by bytes alone).
                let slotKey = CompiledConditionCache.Key(canonical: compiled.key, written: compiled.root)
                if let slot = triggerSlots[slotKey] {
                    trigger = slot
                } else {
                    trigger = triggers.count
                    triggerSlots[slotKey] = triggers.count
                    triggers.append(compiled.compiled)
                    usage.addTrigger(compiled.root)
                    triggerRoots.append(compiled.root)
                    triggerAlternatives.append(compiled.alternatives)
                    triggerConjuncts.append(compiled.conjuncts.map { part in
                        if let slot = conjunctSlots[part.key] { return slot }
                        let slot = Int32(conjuncts.count)
                        conjunctSlots[part.key] = slot
                        conjuncts.append(part.compiled)
                        nativeConjuncts.append(part.native)
                        return slot
                    })
                }
            }
            var target: Int?
            if let raw = promotion.target {
                let cacheKey = CompiledConditionCache.key(raw)
                let compiled = cachedTargets[cacheKey] ?? previous?.conditionCache.targets[cacheKey] ?? .init(raw)
                cachedTargets[cacheKey.sharing(compiled.key)] = compiled
                if let slot = targetSlots[compiled.key] {
                    target = slot
                } else {
                    target = targets.count
                    targetSlots[compiled.key] = targets.count
                    if compiled.readsLineDocument { usage.addTarget(compiled.root) }
                    targetAlternatives.append(compiled.alternative)
                    targets.append(compiled.matcher)
                }
            }
            index[promotion.id] = kept.count
            kept.append((promotion, trigger, target))
        }
        // combinesWith entries name promotion ids or groups; resolve both (groups to numbers).
        var groupNumbers: [String: Int32] = [:]
        for entry in kept {
            if let group = entry.0.group, groupNumbers[group] == nil { groupNumbers[group] = Int32(groupNumbers.count) }
        }
        let compiled = kept.enumerated().map { position, entry in
            var promotions: Set<Int32> = []
            var groups: Set<Int32> = []
            for name in entry.0.combinesWith {
                if let other = index[name] { promotions.insert(Int32(other)) }
                if let group = groupNumbers[name] { groups.insert(group) }
            }
            return CompiledPromotion(promotion: entry.0, index: position, trigger: entry.1, target: entry.2,
                                     acceptedPromotions: promotions.sorted(), acceptedGroups: groups.sorted(),
                                     groupNumber: entry.0.group.flatMap { groupNumbers[$0] } ?? -1)
        }
        self.promotions = compiled
        self.promotionIndex = index
        self.triggers = triggers
        self.targets = targets
        self.conjuncts = conjuncts
        self.nativeConjuncts = nativeConjuncts
        self.triggerConjuncts = triggerConjuncts
        self.index = PromotionIndex(promotions: compiled, triggerAlternatives: triggerAlternatives, targetAlternatives: targetAlternatives,
                                    sharedConditions: conjuncts.count)
        self.indexStatistics = self.index.statistics
        self.couponTable = couponTable
        self.availability = availability
        var audienceReferences = AudienceReferences()
        for root in triggerRoots { audienceReferences.add(root) }
        self.audienceReferences = audienceReferences
        self.fieldUsage = usage
        self.conditionCache = CompiledConditionCache(triggers: cachedTriggers, targets: cachedTargets)
    }

    /// The same promotions over other coupons: shares everything compiled (and the candidate
    /// window), rebuilds nothing: a coupon write must not pay for recompiling the promotions.
    public func replacingCoupons(_ couponTable: CouponTable, availability: CouponAvailability, version: Int64) -> PromotionSnapshot {
        PromotionSnapshot(self, couponTable: couponTable, availability: availability, version: version)
    }

    private init(_ other: PromotionSnapshot, couponTable: CouponTable, availability: CouponAvailability, version: Int64) {
        self.version = version
        candidateWindow = other.candidateWindow
        self.couponTable = couponTable
        self.availability = availability
        promotions = other.promotions
        promotionIndex = other.promotionIndex
        triggers = other.triggers
        targets = other.targets
        conjuncts = other.conjuncts
        nativeConjuncts = other.nativeConjuncts
        triggerConjuncts = other.triggerConjuncts
        index = other.index
        indexStatistics = other.indexStatistics
        audienceReferences = other.audienceReferences
        fieldUsage = other.fieldUsage
        conditionCache = other.conditionCache
    }

    /// Whether promotion `p` accepts being stacked with promotion `q` (snapshot indices).
    @inline(__always)
    func accepts(_ p: Int, _ q: Int) -> Bool {
        promotions[p].accepts(promotions[q])
    }

    /// The enabled promotions, in canonical order (priority descending, then id).
    public var activePromotions: [Promotion] { promotions.map(\.promotion) }

    /// The enabled promotion with this id, if any.
    public func activePromotion(id: String) -> Promotion? {
        promotionIndex[id].map { promotions[$0].promotion }
    }

    /// The coupon with this code (any spelling), if any, as `customer` would find it.
    public func coupon(code: String, for customer: String? = nil) -> Coupon? {
        let code = Coupon.normalize(code)
        guard let definition = couponTable.definitions[code] else { return nil }
        let coupon = definition.coupon()
        return isAvailable(coupon, for: customer) ? coupon : definition.coupon(available: false)
    }

    /// Whether uses of `coupon` remain for `customer` (always for unlimited ones): a customer
    /// holding a live reservation of the code keeps it.
    func isAvailable(_ coupon: Coupon, for customer: String? = nil) -> Bool {
        coupon.kind == .unlimited || (coupon.isAvailable && !availability.isExhausted(coupon.code, for: customer))
    }
}
