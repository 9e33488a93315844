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
            if let coupon = snapshot.coupons[code], let promotion = snapshot.promotionIndex[coupon.promotionID] {
                if let startsAt = coupon.startsAt, instant < startsAt {
                    state.status = .notStarted
                } else if let endsAt = coupon.endsAt, endsAt <= instant {
                    state.status = .expired
                } else if coupon.kind == .limited && !coupon.isAvailable {
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
        let compiled = snapshot.promotions[index]
        let promotion = compiled.promotion
        if let currency = promotion.currency, currency != cart.currency { return .failure(.init(reason: .currency)) }
        if let startsAt = promotion.startsAt, instant < startsAt { return .failure(.init(reason: .notStarted)) }
        if let endsAt = promotion.endsAt, endsAt <= instant { return .failure(.init(reason: .expired)) }
        if !promotion.channels.isEmpty {
            guard let channel = cart.channel, promotion.channels.contains(channel) else { return .failure(.init(reason: .channel)) }
        }
        if !promotion.stores.isEmpty {
            guard let store = cart.store, promotion.stores.contains(store) else { return .failure(.init(reason: .store)) }
        }
        if promotion.coupon && unlockingCoupon[index] == nil { return .failure(.init(reason: .couponRequired)) }
        if let trigger = compiled.trigger, !triggerMatches(trigger) {
            var detail: Explanation.Failure?
            if cart.explain { detail = snapshot.triggers[trigger].explain(cartRuleDocument()).failures.first }
            return .failure(.init(reason: .conditionFailed, detail: detail))
        }
        let lines = matchingLines(target: compiled.target)
        if lines.isEmpty { return .failure(.init(reason: .noMatchingLines)) }
        return .success(lines)
    }

    mutating func triggerMatches(_ trigger: Int) -> Bool {
        if let known = triggerResults[trigger] { return known }
        let matched = snapshot.triggers[trigger].matches(cartRuleDocument())
        triggerResults[trigger] = matched
        return matched
    }

    /// Canonical indices of the lines a target matches (all lines for no target).
    mutating func matchingLines(target: Int?) -> [Int] {
        guard let target else { return allLines }
        if let known = targetLines[target] { return known }
        let matcher = snapshot.targets[target]
        var result: [Int] = []
        if matcher.prefilter != nil {
            if indexCandidates == nil { buildIndexCandidates() }
            for (line, exact) in indexCandidates![target] where exact || matcher.condition.matches(lineDocument(line)) {
                result.append(line)
            }
        } else {
            for line in lines.indices where matcher.condition.matches(lineDocument(line)) {
                result.append(line)
            }
        }
        targetLines[target] = result
        return result
    }

    /// One pass over the lines through the inverted index: for every prefiltered target, the
    /// lines whose field value is accepted, with whether that alone decides the match.
    mutating func buildIndexCandidates() {
        var candidates = [[(line: Int, exact: Bool)]](repeating: [], count: snapshot.targets.count)
        let tables = snapshot.targetIndex.tables
        for (line, cartLine) in lines.enumerated() {
            for field in LinePrefilter.Field.allCases {
                let table = tables[field.rawValue]
                guard !table.isEmpty, let value = field.value(of: cartLine), let entry = table[value] else { continue }
                let sameBytes = entry.spelling.utf8.elementsEqual(value.utf8)
                for target in entry.targets {
                    candidates[target].append((line, sameBytes && snapshot.targets[target].prefilter!.isExact))
                }
            }
        }
        indexCandidates = candidates
    }
}
