/// A promotion that applied, in application order.
struct AppliedRecord {
    var promotion: Int
    var outcome: ActionOutcome
    /// Lines a `loyaltyPoints` promotion awards points on (canonical order).
    var pointsLines: [Int]
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
    mutating func stack(_ candidates: [(promotion: Int, lines: [Int])], reasons: inout [NotAppliedReason?]) -> [AppliedRecord] {
        var applied: [AppliedRecord] = []
        var blocked = false
        var start = 0
        while start < candidates.count {
            let priority = snapshot.promotions[candidates[start].promotion].promotion.priority
            var end = start
            while end < candidates.count, snapshot.promotions[candidates[end].promotion].promotion.priority == priority { end += 1 }
            let level = candidates[start..<end]
            start = end
            if blocked {
                for candidate in level { reasons[candidate.promotion] = .blockedByExclusive }
                continue
            }
            var order = Array(level)
            var first: (ActionOutcome, [Int], Bool)?
            if order.count > 1 {
                let calculator = self.calculator
                let ranked = order.map { candidate in
                    (candidate, evaluate(candidate.promotion, lines: candidate.lines, calculator: calculator))
                }.sorted { a, b in
                    a.1.0.effect != b.1.0.effect ? a.1.0.effect > b.1.0.effect : a.0.promotion < b.0.promotion
                }
                order = ranked.map(\.0)
                first = ranked.first?.1
            }
            for (position, candidate) in order.enumerated() {
                let (outcome, eligible, lostLines) = position == 0 && first != nil
                    ? first! : evaluate(candidate.promotion, lines: candidate.lines, calculator: self.calculator)
                guard outcome.effect > 0 else {
                    reasons[candidate.promotion] = lostLines ? .notCombinable : outcome.shortfall
                    continue
                }
                apply(candidate.promotion, outcome, lines: eligible)
                applied.append(AppliedRecord(promotion: candidate.promotion, outcome: outcome,
                                             pointsLines: snapshot.promotions[candidate.promotion].promotion.action.isDiscount ? [] : eligible))
                if snapshot.promotions[candidate.promotion].promotion.exclusive { blocked = true }
            }
        }
        return applied
    }

    /// The promotion's outcome on its target lines minus the lines it may not stack on;
    /// also returns those eligible lines and whether any line was lost to stacking.
    func evaluate(_ index: Int, lines: [Int], calculator: ActionCalculator) -> (ActionOutcome, [Int], Bool) {
        let compiled = snapshot.promotions[index]
        let claims = compiled.promotion.action.isDiscount ? discountClaims : pointsClaims
        var eligible: [Int] = []
        eligible.reserveCapacity(lines.count)
        for line in lines where claims[line].allSatisfy({ compiled.combines(with: snapshot.promotions[$0]) }) {
            eligible.append(line)
        }
        let lost = eligible.count < lines.count
        if eligible.isEmpty { return (.none(.notCombinable), [], true) }
        return (calculator.compute(compiled.promotion, lines: eligible), eligible, lost)
    }

    mutating func apply(_ index: Int, _ outcome: ActionOutcome, lines: [Int]) {
        if snapshot.promotions[index].promotion.action.isDiscount {
            for (line, amount) in outcome.discounts {
                let taken = min(amount, net[line])  // never below zero (the calculator guarantees it)
                net[line] -= taken
                adjustments[line].append((index, taken))
                discountClaims[line].append(index)
            }
        } else {
            for line in lines { pointsClaims[line].append(index) }
        }
    }
}
