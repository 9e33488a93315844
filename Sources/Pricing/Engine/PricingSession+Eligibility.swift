import Rules

/// Why a promotion is not a stacking candidate.
struct Ineligibility: Error {
    var reason: NotAppliedReason
    var detail: Explanation.Failure?
}

/// A presented coupon code and what pricing found out about it before stacking.
struct CouponState {
    /// The code as first presented.
    var presented: String
    /// The normalised code.
    var code: String
    /// The promotion it unlocks (snapshot index), when the coupon itself is usable.
    var promotion: Int?
    /// The status when the coupon itself is not usable.
    var status: CouponStatus?
}

extension PricingSession {
    /// Checks every distinct presented code (request order) and records, per promotion, the
    /// smallest valid code that unlocks it.
    mutating func checkCoupons() -> [CouponState] {
        var states: [CouponState] = []
        var seen: Set<String> = []
        for presented in cart.coupons {
            let code = Coupon.normalize(presented)
            guard seen.insert(code).inserted else { continue }
            var state = CouponState(presented: presented, code: code)
            if let coupon = snapshot.couponTable[code], let promotion = snapshot.promotionIndex[coupon.promotionID] {
                if let startsAt = coupon.startsAt, instant < startsAt {
                    state.status = .notStarted
                } else if let endsAt = coupon.endsAt, endsAt <= instant {
                    state.status = .expired
                } else if !snapshot.isAvailable(coupon, for: cart.customer?.id) {
                    state.status = .exhausted
                } else if let customer = coupon.customerID, customer != cart.customer?.id {
                    state.status = .conditionsNotMet
                } else {
                    state.promotion = promotion
                    if let existing = unlockingCoupon[promotion], existing < code { /* keep the smaller code */ } else {
                        unlockingCoupon[promotion] = code
                    }
                }
            } else {
                state.status = .unknown
            }
            states.append(state)
        }
        return states
    }

    /// The pre-stacking checks, cheapest first: currency, validity window, channel, store,
    /// coupon, trigger, target lines. Returns the matching target lines (canonical order).
    mutating func eligibility(of index: Int) -> Result<[Int], Ineligibility> {
        let promotion = snapshot.promotions[index]
        if let currency = promotion.currency, currency != cart.currency { return .failure(.init(reason: .currency)) }
        if let startsAt = promotion.startsAt, instant < startsAt { return .failure(.init(reason: .notStarted)) }
        if let endsAt = promotion.endsAt, endsAt <= instant { return .failure(.init(reason: .expired)) }
        if !promotion.channels.isEmpty {
            guard let channel = cart.channel, promotion.channels.contains(channel) else { return .failure(.init(reason: .channel)) }
        }
        if !promotion.stores.isEmpty {
            guard let store = cart.store, promotion.stores.contains(store) else { return .failure(.init(reason: .store)) }
        }
        if promotion.requiresCoupon && unlockingCoupon[index] == nil { return .failure(.init(reason: .couponRequired)) }
        if let trigger = promotion.trigger, !triggerMatches(trigger) {
            var detail: Explanation.Failure?
            if cart.explain { detail = snapshot.triggers[trigger].explain(preparedDocument()).failures.first }
            return .failure(.init(reason: .conditionFailed, detail: detail))
        }
        let lines = matchingLines(target: promotion.target)
        if lines.isEmpty { return .failure(.init(reason: .noMatchingLines)) }
        return .success(lines)
    }

    /// Evaluates a trigger through its shared conjuncts (each evaluated at most once per cart).
    mutating func triggerMatches(_ trigger: Int) -> Bool {
        for conjunct in snapshot.triggerConjuncts[trigger] where !conjunctMatches(Int(conjunct)) { return false }
        return true
    }

    mutating func conjunctMatches(_ conjunct: Int) -> Bool {
        if snapshot.conjuncts.count <= PricingSession.denseMemoLimit {
            let known = conjunctMemo[conjunct]
            if known != 0 { return known == 2 }
            let matched = evaluateConjunct(conjunct)
            conjunctMemo[conjunct] = matched ? 2 : 1
            return matched
        }
        if let known = sparseConjunctMemo[Int32(conjunct)] { return known }
        let matched = evaluateConjunct(conjunct)
        sparseConjunctMemo[Int32(conjunct)] = matched
        return matched
    }

    /// A conjunct on the typed cart when it compiled so, else on the prepared document.
    mutating func evaluateConjunct(_ conjunct: Int) -> Bool {
        if let native = snapshot.nativeConjuncts[conjunct] { return native.matches(cart, cartFacts) }
        return snapshot.conjuncts[conjunct].matches(preparedDocument())
    }

    /// Canonical indices of the lines a target matches (all lines for no target).
    mutating func matchingLines(target: Int?) -> [Int] {
        guard let target else { return allLines }
        if let known = targetLines[target] { return known }
        let exponent = cart.currency.exponent
        var result: [Int] = []
        // Native matchers read each line in place through a buffer pointer (an array subscript
        // would copy the line struct, retaining all its strings).
        let lines = cart.lines, order = requestIndex
        if snapshot.index.targetPrefiltered[target] {
            if !selected { selectPromotions() }
            if targetCandidates?.range(of: Int32(target)) == nil { buildTargetCandidates(including: target) }
            let candidates = targetCandidates!
            let range = candidates.range(of: Int32(target))!
            result.reserveCapacity(range.count)  // one allocation, not one per doubling
            if range.allSatisfy({ candidates.exact[$0] }) {
                // Decided by the index alone: the matcher (with thousands of promotions, a cold
                // object whose every retain is a cache miss) is not even touched.
                for position in range { result.append(Int(candidates.lines[position])) }
            } else if let native = snapshot.targets[target].native {
                lines.withUnsafeBufferPointer { buffer in
                    for position in range where candidates.exact[position]
                        || native.matches(buffer.baseAddress! + order[Int(candidates.lines[position])], exponent: exponent) {
                        result.append(Int(candidates.lines[position]))
                    }
                }
            } else {
                let matcher = snapshot.targets[target]
                for position in range where candidates.exact[position]
                    || matches(matcher, line: Int(candidates.lines[position]), exponent: exponent) {
                    result.append(Int(candidates.lines[position]))
                }
            }
        } else if let native = snapshot.targets[target].native {
            lines.withUnsafeBufferPointer { buffer in
                for line in 0..<lineCount where native.matches(buffer.baseAddress! + order[line], exponent: exponent) { result.append(line) }
            }
        } else {
            let matcher = snapshot.targets[target]
            for line in 0..<lineCount where matches(matcher, line: line, exponent: exponent) { result.append(line) }
        }
        targetLines[target] = result
        return result
    }

    /// Evaluates a target on one line: natively when compiled so, else on the prepared document.
    mutating func matches(_ matcher: TargetMatcher, line: Int, exponent: Int) -> Bool {
        if let native = matcher.native {
            return cart.lines.withUnsafeBufferPointer { native.matches($0.baseAddress! + requestIndex[line], exponent: exponent) }
        }
        return matcher.condition.matches(preparedDocument(), at: lineNodes[line])
    }

    /// Chooses the promotions to evaluate: every promotion (index disabled, or `explain`, which
    /// reports a reason for every promotion), else the index's candidates. Also records the
    /// cart lines' index hits, used for the target lines of prefiltered targets.
    mutating func selectPromotions() {
        selected = true
        let index = snapshot.index
        let count = snapshot.promotions.count
        let needHits = !index.targetPostings.isEmpty
        let useIndex = options.usesIndex && !cart.explain
        if !useIndex && !needHits {
            evaluated = Array(0..<count)
            evaluatesAll = true
            return
        }
        var marks = [UInt64](repeating: 0, count: useIndex ? (count + 63) >> 6 : 0)
        var hits: [(entry: Int32, line: Int32)] = []
        marks.withUnsafeMutableBufferPointer { marks in
            index.promotionPostings.withUnsafeBufferPointer { postings in
                @inline(__always) func mark(_ promotion: Int32) {
                    marks[Int(promotion) >> 6] |= 1 &<< UInt64(promotion & 63)
                }
                @inline(__always) func markEntry(_ entry: Int) {
                    let e = index.entries[entry]
                    for position in Int(e.promotionStart)..<Int(e.promotionEnd) { mark(postings[position]) }
                }
                if useIndex {
                    for promotion in index.always { mark(promotion) }
                    for promotion in unlockingCoupon.keys { mark(Int32(promotion)) }
                    if let channel = cart.channel, let list = index.channelPostings[channel] { for p in list { mark(p) } }
                    if let store = cart.store, let list = index.storePostings[store] { for p in list { mark(p) } }
                    func cartKey(_ kind: PromotionIndex.Kind, _ text: String?) {
                        guard let text, index.has(kind) else { return }
                        let entry = index.lookup(kind, text)
                        if entry >= 0 { markEntry(entry) }
                    }
                    cartKey(.currency, cart.currency.code)
                    cartKey(.channel, cart.channel)
                    cartKey(.store, cart.store)
                    if let customer = cart.customer {
                        cartKey(.tier, customer.tier)
                        cartKey(.customerID, customer.id)
                        cartKey(.loyaltyCard, customer.loyaltyCard.map { $0 ? "true" : "false" })
                        if index.has(.audience) { for audience in customer.audiences ?? [] { cartKey(.audience, audience) } }
                    }
                    if index.has(.coupon) { for code in cart.coupons { cartKey(.coupon, Coupon.normalize(code)) } }
                }
                let kinds = PromotionIndex.Kind.lineKinds.filter(index.has)
                guard !kinds.isEmpty else { return }
                hits.reserveCapacity(lineCount)
                let lines = cart.lines, order = requestIndex
                for position in 0..<lineCount {
                    for kind in kinds {
                        let value: String? = lines.withUnsafeBufferPointer { lines in
                            switch kind {
                            case .sku: lines[order[position]].sku
                            case .category: lines[order[position]].category
                            case .brand: lines[order[position]].brand
                            default: lines[order[position]].id
                            }
                        }
                        guard let value else { continue }
                        let entry = index.lookup(kind, value)
                        guard entry >= 0 else { continue }
                        if useIndex { markEntry(entry) }
                        let e = index.entries[entry]
                        if e.targetEnd > e.targetStart { hits.append((Int32(entry), Int32(position))) }
                    }
                }
            }
        }
        lineHits = hits
        if !useIndex {
            evaluated = Array(0..<count)
            evaluatesAll = true
            return
        }
        var selected: [Int] = []
        for (word, bits) in marks.enumerated() where bits != 0 {
            var remaining = bits
            while remaining != 0 {
                selected.append(word << 6 | remaining.trailingZeroBitCount)
                remaining &= remaining &- 1
            }
        }
        evaluated = selected
        evaluatesAll = selected.count == count
    }

    /// Groups the lines' index hits by the prefiltered targets that candidate promotions use
    /// (plus `requested`, and the targets built before, if any).
    mutating func buildTargetCandidates(including requested: Int) {
        let index = snapshot.index
        var targets = targetCandidates?.targets ?? []
        targets.reserveCapacity(evaluated.count + 1)
        if targetCandidates == nil {
            for promotion in evaluated {
                if let target = snapshot.promotions[promotion].target, index.targetPrefiltered[target] { targets.append(Int32(target)) }
            }
            targets.sort()
            targets = targets.indices.compactMap { $0 > 0 && targets[$0 - 1] == targets[$0] ? nil : targets[$0] }
        }
        if !targets.contains(Int32(requested)) { targets.append(Int32(requested)) }
        targetCandidates = TargetCandidates(targets: targets, hits: lineHits, index: index)
    }
}
