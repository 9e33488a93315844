/// A promotion that applied, in application order.
struct AppliedRecord {
    var promotion: Int
    /// Slot in the session's evaluated list (index of its reason).
    var slot: Int
    var outcome: ActionOutcome
    /// Σ amounts actually taken off the lines (its discount).
    var taken: Int64
    /// Lines a `loyaltyPoints` promotion awards points on (canonical order).
    var pointsLines: [Int]
}

/// What a promotion would do on the current cart: its outcome on its eligible lines (its target
/// lines minus those it may not stack on), and whether any target line was lost to stacking.
struct Evaluation {
    var outcome: ActionOutcome
    var eligible: [Int]
    var lostLines: Bool
}

/// Which promotions already took a line, per resource (price discounts and points are separate).
/// Claimants are numbered in order of their first claim; each line has a bit mask of the first 64,
/// so "may this promotion stack here?" is one AND per line. Claimants past 64 (rare: a cart with
/// that many applied promotions) go on per-line singly linked lists in flat arrays.
struct LineClaims {
    /// Per line: bit *c* set = claimant number *c* (< 64) claimed it.
    var mask: [UInt64]
    /// First node of each line's list of claimants numbered 64 and up (-1 = none).
    var overflowHead: [Int32]
    /// Overflow node storage: claimant number and next node.
    var overflowClaimant: [Int32] = []
    var overflowNext: [Int32] = []
    /// The distinct promotions with a claim, in order of their first claim.
    var claimants: [CompiledPromotion] = []
    /// Whether any line has a claim.
    var isEmpty = true
    /// Claimants (< 64) that claimed every line of the cart: a promotion refusing any of them is
    /// refused on every line, whatever its targets (no line scan).
    var everyLine: UInt64 = 0

    init(lines: Int) {
        mask = Array(repeating: 0, count: lines)
        overflowHead = Array(repeating: -1, count: lines)
    }

    /// Records that `promotion` took `lines` (all its lines, in one go).
    mutating func claim(_ promotion: CompiledPromotion, lines: some Sequence<Int>) {
        claimants.append(promotion)
        let number = claimants.count - 1
        for line in lines {
            if number < 64 {
                mask[line] |= 1 << UInt64(number)
            } else {
                overflowClaimant.append(Int32(number))
                overflowNext.append(overflowHead[line])
                overflowHead[line] = Int32(overflowClaimant.count - 1)
            }
            isEmpty = false
        }
        everyLine = mask.reduce(~0, &)
    }

    /// Bit *c* set = `promotion` does not combine (both ways) with claimant *c* (< 64).
    func refusedMask(of promotion: CompiledPromotion) -> UInt64 {
        var refused: UInt64 = 0
        for number in 0..<min(64, claimants.count) where !promotion.combines(with: claimants[number]) {
            refused |= 1 << UInt64(number)
        }
        return refused
    }

    /// Whether `promotion` may take `line`: it combines with every claimant of the line.
    @inline(__always)
    func allows(_ promotion: CompiledPromotion, on line: Int, refused: UInt64) -> Bool {
        guard mask[line] & refused == 0 else { return false }
        var node = overflowHead[line]
        while node >= 0 {
            if !promotion.combines(with: claimants[Int(overflowClaimant[Int(node)])]) { return false }
            node = overflowNext[Int(node)]
        }
        return true
    }
}

extension PricingSession {
    var calculator: ActionCalculator {
        ActionCalculator(net: net, quantity: quantity, netTotal: netTotal, rounding: options.rounding,
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
        var dirty = [Bool](repeating: false, count: lineCount)
        var anyDirty = false  // some line is dirty (else no reuse check needs to scan lines)
        // Per level, reused across levels (one allocation each per call).
        var order: [Int] = [], ranked: [Evaluation] = [], effects: [Int64] = []
        var exclusivePoints: [(rate: LoyaltyRate, lines: [Int])] = []
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
            order.removeAll(keepingCapacity: true)
            order.append(contentsOf: level)
            ranked.removeAll(keepingCapacity: true)
            if order.count > 1 {
                // Ranking needs only each effect: skip the per-line split of cart-level amounts
                // (recomputed below for the few that apply).
                var calculator = self.calculator
                calculator.effectOnly = true
                effects.removeAll(keepingCapacity: true)
                for position in level {
                    let evaluation = evaluate(candidates[position].promotion, lines: candidates[position].lines, calculator: calculator)
                    effects.append(evaluation.outcome.effect)
                    ranked.append(evaluation)
                }
                order.sort { a, b in
                    let effectA = effects[a - level.lowerBound], effectB = effects[b - level.lowerBound]
                    return effectA != effectB ? effectA > effectB : candidates[a].promotion < candidates[b].promotion
                }
                if anyDirty {
                    for line in dirty.indices where dirty[line] { dirty[line] = false }
                    anyDirty = false
                }
            }
            for position in order {
                let candidate = candidates[position]
                let evaluation: Evaluation
                if !ranked.isEmpty, !ranked[position - level.lowerBound].outcome.partial || effects[position - level.lowerBound] <= 0,
                   !anyDirty || !candidate.lines.contains(where: { dirty[$0] }) {
                    evaluation = ranked[position - level.lowerBound]
                } else {
                    evaluation = evaluate(candidate.promotion, lines: candidate.lines, calculator: self.calculator)
                }
                let outcome = evaluation.outcome, eligible = evaluation.eligible
                guard outcome.effect > 0 else {
                    reasons[candidate.slot] = evaluation.lostLines ? .notCombinable : outcome.shortfall
                    continue
                }
                let compiled = snapshot.promotions[candidate.promotion]
                let taken = apply(compiled, outcome, lines: eligible, record: applied.count)
                if compiled.isDiscount {
                    for (line, _) in outcome.discounts { dirty[line] = true }
                } else {
                    for line in eligible { dirty[line] = true }
                }
                anyDirty = true
                applied.append(AppliedRecord(promotion: candidate.promotion, slot: candidate.slot, outcome: outcome, taken: taken,
                                             pointsLines: compiled.isDiscount ? [] : eligible))
                if compiled.exclusive {
                    if case .loyaltyPoints(let rate) = compiled.action {
                        exclusivePoints.append((rate, eligible))
                    } else {
                        blocked = true
                    }
                }
            }
            // An exclusive points promotion blocks the lower levels only if it still awards points
            // now that its level is done (later promotions of the level may have brought its lines
            // to 0); with the lower levels blocked, this is its final award.
            if !blocked, !exclusivePoints.isEmpty {
                let calculator = self.calculator
                blocked = exclusivePoints.contains { calculator.points($0.rate, on: calculator.value(of: $0.lines)) > 0 }
                exclusivePoints.removeAll()
            }
        }
        return applied
    }

    /// The promotion's outcome on its target lines minus the lines it may not stack on.
    func evaluate(_ index: Int, lines: [Int], calculator: ActionCalculator) -> Evaluation {
        let compiled = snapshot.promotions[index]
        // Borrowed, not copied (a copy of the claims retains and releases each of their arrays).
        let eligible = compiled.isDiscount ? Self.eligible(lines, for: compiled, discountClaims)
                                           : Self.eligible(lines, for: compiled, pointsClaims)
        let lost = eligible.count < lines.count
        if eligible.isEmpty { return Evaluation(outcome: .none(.notCombinable), eligible: [], lostLines: true) }
        return Evaluation(outcome: calculator.compute(compiled, lines: eligible), eligible: eligible, lostLines: lost)
    }

    /// `lines` minus those where `promotion` does not combine with every claimant.
    static func eligible(_ lines: [Int], for promotion: CompiledPromotion, _ claims: borrowing LineClaims) -> [Int] {
        if claims.isEmpty { return lines }
        let refused = claims.refusedMask(of: promotion)
        if refused == 0 && claims.overflowClaimant.isEmpty { return lines }  // combines with every claimant
        if refused & claims.everyLine != 0 { return [] }  // refuses a claimant of every line
        guard let first = lines.firstIndex(where: { !claims.allows(promotion, on: $0, refused: refused) }) else { return lines }
        // Often no line is left (a cart-wide promotion already took them all): no allocation then.
        guard first > 0 || lines.contains(where: { claims.allows(promotion, on: $0, refused: refused) }) else { return [] }
        var eligible: [Int] = []
        eligible.reserveCapacity(lines.count)
        eligible.append(contentsOf: lines[..<first])
        for line in lines[(first + 1)...] where claims.allows(promotion, on: line, refused: refused) {
            eligible.append(line)
        }
        return eligible
    }

    /// Applies the outcome as applied record number `record`; returns the total taken off the lines.
    mutating func apply(_ promotion: CompiledPromotion, _ outcome: ActionOutcome, lines: [Int], record: Int) -> Int64 {
        var total: Int64 = 0
        if promotion.isDiscount {
            for (line, amount) in outcome.discounts {
                let taken = min(amount, net[line])  // never below zero (the calculator guarantees it)
                net[line] -= taken
                netTotal -= taken
                total += taken
                let node = Int32(adjustmentRecord.count)
                adjustmentRecord.append(Int32(record))
                adjustmentAmount.append(taken)
                adjustmentNext.append(-1)
                if adjustmentTail[line] >= 0 { adjustmentNext[Int(adjustmentTail[line])] = node } else { adjustmentHead[line] = node }
                adjustmentTail[line] = node
            }
            discountClaims.claim(promotion, lines: outcome.discounts.lazy.map(\.line))
        } else {
            pointsClaims.claim(promotion, lines: lines)
        }
        return total
    }
}
