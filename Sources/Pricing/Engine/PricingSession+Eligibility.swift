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

    mutating func triggerMatches(_ trigger: Int) -> Bool {
        if let known = triggerResults[trigger] { return known }
        let matched = snapshot.triggers[trigger].matches(preparedDocument())
        triggerResults[trigger] = matched
        return matched
    }

    /// Canonical indices of the lines a target matches (all lines for no target).
    mutating func matchingLines(target: Int?) -> [Int] {
        guard let target else { return allLines }
        if let known = targetLines[target] { return known }
        let matcher = snapshot.targets[target]
        let exponent = cart.currency.exponent
        var result: [Int] = []
        if matcher.prefilter != nil {
            if candidateStarts.isEmpty { buildIndexCandidates() }
            for slot in Int(candidateStarts[target])..<Int(candidateStarts[target + 1]) {
                let (line, exact) = candidateSlots[slot]
                if exact || matches(matcher, line: Int(line), exponent: exponent) { result.append(Int(line)) }
            }
        } else {
            for line in lines.indices where matches(matcher, line: line, exponent: exponent) { result.append(line) }
        }
        targetLines[target] = result
        return result
    }

    /// Evaluates a target on one line: natively when compiled so, else on the prepared document.
    mutating func matches(_ matcher: TargetMatcher, line: Int, exponent: Int) -> Bool {
        if let native = matcher.native { return native.matches(lines[line], exponent: exponent) }
        return matcher.condition.matches(preparedDocument(), at: lineNodes[line])
    }

    /// One pass over the lines through the inverted index: for every prefiltered target, the
    /// lines whose field value is accepted, with whether that alone decides the match.
    mutating func buildIndexCandidates() {
        let index = snapshot.targetIndex
        var hits: [(target: Int32, line: Int32, exact: Bool)] = []
        hits.reserveCapacity(lines.count * 4)
        let fields = LinePrefilter.Field.allCases.filter { !index.tables[$0.rawValue].isEmpty }
        for line in lines.indices {
            for field in fields {
                guard let value = field.value(of: lines[line]), let entry = index.tables[field.rawValue][value] else { continue }
                // Swift's String equality is Unicode-canonical; conditions compare bytes.
                let sameBytes = entry.spelling.utf8.elementsEqual(value.utf8)
                for target in entry.targets {
                    hits.append((Int32(target), Int32(line), sameBytes && index.isExact[target]))
                }
            }
        }
        var starts = [Int32](repeating: 0, count: snapshot.targets.count + 1)
        for hit in hits { starts[Int(hit.target) + 1] += 1 }
        for target in 0..<snapshot.targets.count { starts[target + 1] += starts[target] }
        var next = starts
        var slots = [(line: Int32, exact: Bool)](repeating: (0, false), count: hits.count)
        for hit in hits {
            slots[Int(next[Int(hit.target)])] = (hit.line, hit.exact)
            next[Int(hit.target)] += 1
        }
        candidateStarts = starts
        candidateSlots = slots
    }
}
