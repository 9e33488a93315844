/// A promotion that applied, in application order.
struct AppliedRecord {
    var promotion: Int
    /// Slot in the session's evaluated list (index of its reason).
    var slot: Int
    var outcome: ActionOutcome
    /// Lines a `loyaltyPoints` promotion awards points on (canonical order).
    var pointsLines: [Int]
}

/// Which promotions already took a line, per resource (price discounts and points are separate).
/// Per-line singly linked lists in flat arrays: no per-line allocation, no reference counting.
struct LineClaims {
    /// First node of each line's list of every applied promotion (-1 = none).
    var head: [Int32]
    /// First node of each line's list of the applied promotions that do not combine with
    /// everything (`"*"`) — the only ones a `"*"` promotion can conflict with.
    var restrictiveHead: [Int32]
    /// Node storage: promotion index and next node.
    var promotion: [Int32] = []
    var next: [Int32] = []
    /// Whether any line has a claim.
    var isEmpty = true

    init(lines: Int) {
        head = Array(repeating: -1, count: lines)
        restrictiveHead = Array(repeating: -1, count: lines)
    }

    mutating func add(_ claimant: CompiledPromotion, line: Int) {
        promotion.append(Int32(claimant.index))
        next.append(head[line])
        head[line] = Int32(promotion.count - 1)
        if !claimant.combinesWithAll {
            promotion.append(Int32(claimant.index))
            next.append(restrictiveHead[line])
            restrictiveHead[line] = Int32(promotion.count - 1)
        }
        isEmpty = false
    }
}

extension PricingSession {
    var calculator: ActionCalculator {
        ActionCalculator(net: net, quantity: quantity, rounding: options.rounding,
                         minorPerMajor: cart.currency.minorUnitsPerMajorUnit,
                         basePoints: options.basePointsPerUnitOfCurrency)
    }

    /// Resolves stacking, priority level by priority level (candidates arrive in canonical order:
    /// priority descending, then id). Within a level, promotions are applied in order of their
    /// effect on the current cart (larger first), then id. Each promotion sees the net values
    /// left by the promotions applied before it, and skips lines already discounted by a
    /// promotion it does not combine with. An exclusive promotion that applies blocks every
    /// lower level.
    mutating func stack(_ candidates: [Candidate], reasons: inout [NotAppliedReason?]) -> [AppliedRecord] {
        var applied: [AppliedRecord] = []
        var blocked = false
        var start = 0
        // Lines whose net value or claims changed since the current level was ranked: a ranked
        // outcome whose lines are all clean is still exact and is reused instead of recomputed.
        var dirty = [Bool](repeating: false, count: lines.count)
        while start < candidates.count {
            let priority = snapshot.promotions[candidates[start].promotion].priority
            var end = start + 1
            while end < candidates.count, snapshot.promotions[candidates[end].promotion].priority == priority { end += 1 }
            let level = start..<end
            start = end
            if blocked {
                for position in level { reasons[candidates[position].slot] = .blockedByExclusive }
                continue
            }
            // Rank the level by each promotion's effect on the current cart, then apply in that
            // order, each on the cart left by the previous ones.
            var order = Array(level)
            var ranked: [(ActionOutcome, [Int], Bool)?] = Array(repeating: nil, count: level.count)
            if order.count > 1 {
                // Ranking needs only each effect: skip the per-line split of cart-level amounts
                // (recomputed below for the few that apply).
                var calculator = self.calculator
                calculator.effectOnly = true
                for position in level {
                    ranked[position - level.lowerBound] = evaluate(candidates[position].promotion, lines: candidates[position].lines,
                                                                   calculator: calculator)
                }
                order.sort { a, b in
                    let effectA = ranked[a - level.lowerBound]!.0.effect, effectB = ranked[b - level.lowerBound]!.0.effect
                    return effectA != effectB ? effectA > effectB : candidates[a].promotion < candidates[b].promotion
                }
                for line in dirty.indices where dirty[line] { dirty[line] = false }
            }
            for position in order {
                let candidate = candidates[position]
                let (outcome, eligible, lostLines): (ActionOutcome, [Int], Bool)
                if let reusable = ranked[position - level.lowerBound], !reusable.0.partial || reusable.0.effect <= 0,
                   !candidate.lines.contains(where: { dirty[$0] }) {
                    (outcome, eligible, lostLines) = reusable
                } else {
                    (outcome, eligible, lostLines) = evaluate(candidate.promotion, lines: candidate.lines, calculator: self.calculator)
                }
                guard outcome.effect > 0 else {
                    reasons[candidate.slot] = lostLines ? .notCombinable : outcome.shortfall
                    continue
                }
                let compiled = snapshot.promotions[candidate.promotion]
                apply(compiled, outcome, lines: eligible)
                if compiled.isDiscount {
                    for (line, _) in outcome.discounts { dirty[line] = true }
                } else {
                    for line in eligible { dirty[line] = true }
                }
                applied.append(AppliedRecord(promotion: candidate.promotion, slot: candidate.slot, outcome: outcome,
                                             pointsLines: compiled.isDiscount ? [] : eligible))
                if compiled.exclusive { blocked = true }
            }
        }
        return applied
    }

    /// The promotion's outcome on its target lines minus the lines it may not stack on;
    /// also returns those eligible lines and whether any line was lost to stacking.
    func evaluate(_ index: Int, lines: [Int], calculator: ActionCalculator) -> (ActionOutcome, [Int], Bool) {
        let compiled = snapshot.promotions[index]
        let claims = compiled.isDiscount ? discountClaims : pointsClaims
        var eligible = lines
        if !claims.isEmpty {
            eligible.removeAll(keepingCapacity: true)
            for line in lines where canStack(compiled, on: line, claims: claims) { eligible.append(line) }
        }
        let lost = eligible.count < lines.count
        if eligible.isEmpty { return (.none(.notCombinable), [], true) }
        return (calculator.compute(compiled, lines: eligible), eligible, lost)
    }

    /// Whether `promotion` may discount (or award points on) `line` given what already applied there.
    func canStack(_ promotion: CompiledPromotion, on line: Int, claims: LineClaims) -> Bool {
        let p = promotion.index
        if promotion.combinesWithAll {
            var node = claims.restrictiveHead[line]
            while node >= 0 {
                if !snapshot.accepts(Int(claims.promotion[Int(node)]), p) { return false }
                node = claims.next[Int(node)]
            }
            return true
        }
        var node = claims.head[line]
        while node >= 0 {
            let q = Int(claims.promotion[Int(node)])
            if !snapshot.accepts(p, q) || !snapshot.accepts(q, p) { return false }
            node = claims.next[Int(node)]
        }
        return true
    }

    mutating func apply(_ promotion: CompiledPromotion, _ outcome: ActionOutcome, lines: [Int]) {
        if promotion.isDiscount {
            for (line, amount) in outcome.discounts {
                let taken = min(amount, net[line])  // never below zero (the calculator guarantees it)
                net[line] -= taken
                adjustments[line].append((promotion.index, taken))
                discountClaims.add(promotion, line: line)
            }
        } else {
            for line in lines { pointsClaims.add(promotion, line: line) }
        }
    }
}
