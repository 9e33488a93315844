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

/// Which promotions already took a line, per resource (price discounts and points are separate).
/// Per-line singly linked lists in flat arrays: no per-line allocation, no reference counting.
struct LineClaims {
    /// First node of each line's list of every applied promotion (-1 = none).
    var head: [Int32]
    /// First node of each line's list of the applied promotions that do not combine with
    /// everything (`"*"`) — the only ones a `"*"` promotion can conflict with.
    var restrictiveHead: [Int32]
    /// Node storage: claimant number (position in ``claimants``) and next node.
    var claimant: [Int32] = []
    var next: [Int32] = []
    /// The distinct promotions with a claim, in order of their first claim.
    var claimants: [CompiledPromotion] = []
    /// Whether any line has a claim.
    var isEmpty = true

    init(lines: Int) {
        head = Array(repeating: -1, count: lines)
        restrictiveHead = Array(repeating: -1, count: lines)
        // Room for a few claims per line up front: regrowing while appending cost more.
        claimant.reserveCapacity(lines * 4)
        next.reserveCapacity(lines * 4)
    }

    mutating func add(_ promotion: CompiledPromotion, line: Int) {
        // A promotion claims all its lines in one go: it is the last claimant if it has one.
        if claimants.last !== promotion { claimants.append(promotion) }
        let number = Int32(claimants.count - 1)
        claimant.append(number)
        next.append(head[line])
        head[line] = Int32(claimant.count - 1)
        if !promotion.combinesWithAll {
            claimant.append(number)
            next.append(restrictiveHead[line])
            restrictiveHead[line] = Int32(claimant.count - 1)
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
        var dirty = [Bool](repeating: false, count: lineCount)
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
                let taken = apply(compiled, outcome, lines: eligible, record: applied.count)
                if compiled.isDiscount {
                    for (line, _) in outcome.discounts { dirty[line] = true }
                } else {
                    for line in eligible { dirty[line] = true }
                }
                applied.append(AppliedRecord(promotion: candidate.promotion, slot: candidate.slot, outcome: outcome, taken: taken,
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
            var memo = CombinesMemo()
            if let first = lines.firstIndex(where: { !canStack(compiled, on: $0, claims: claims, memo: &memo) }) {
                eligible = []
                eligible.reserveCapacity(lines.count)
                eligible.append(contentsOf: lines[..<first])
                for line in lines[(first + 1)...] where canStack(compiled, on: line, claims: claims, memo: &memo) {
                    eligible.append(line)
                }
            }
        }
        let lost = eligible.count < lines.count
        if eligible.isEmpty { return (.none(.notCombinable), [], true) }
        return (calculator.compute(compiled, lines: eligible), eligible, lost)
    }

    /// Whether `promotion` may discount (or award points on) `line` given what already applied
    /// there (it must combine, both ways, with every claimant of the line).
    func canStack(_ promotion: CompiledPromotion, on line: Int, claims: LineClaims, memo: inout CombinesMemo) -> Bool {
        // A `"*"` promotion accepts everything: only claimants that do not accept everything
        // can refuse it, and they are on the restrictive list.
        var node = promotion.combinesWithAll ? claims.restrictiveHead[line] : claims.head[line]
        while node >= 0 {
            let claimant = Int(claims.claimant[Int(node)])
            if !memo.combines(promotion, with: claimant, claims.claimants) { return false }
            node = claims.next[Int(node)]
        }
        return true
    }

    /// Applies the outcome as applied record number `record`; returns the total taken off the lines.
    mutating func apply(_ promotion: CompiledPromotion, _ outcome: ActionOutcome, lines: [Int], record: Int) -> Int64 {
        var total: Int64 = 0
        if promotion.isDiscount {
            for (line, amount) in outcome.discounts {
                let taken = min(amount, net[line])  // never below zero (the calculator guarantees it)
                net[line] -= taken
                total += taken
                let node = Int32(adjustmentRecord.count)
                adjustmentRecord.append(Int32(record))
                adjustmentAmount.append(taken)
                adjustmentNext.append(-1)
                if adjustmentTail[line] >= 0 { adjustmentNext[Int(adjustmentTail[line])] = node } else { adjustmentHead[line] = node }
                adjustmentTail[line] = node
                adjustmentCount[line] += 1
                discountClaims.add(promotion, line: line)
            }
        } else {
            for line in lines { pointsClaims.add(promotion, line: line) }
        }
        return total
    }
}

/// Whether one promotion combines with each claimant, decided once per claimant (not once per
/// line and claim) without allocating: bits for the first 64 claimants, direct checks after.
struct CombinesMemo {
    private var known: UInt64 = 0
    private var combinable: UInt64 = 0

    mutating func combines(_ promotion: CompiledPromotion, with claimant: Int, _ claimants: [CompiledPromotion]) -> Bool {
        guard claimant < 64 else { return promotion.combines(with: claimants[claimant]) }
        let bit: UInt64 = 1 << UInt64(claimant)
        if known & bit == 0 {
            known |= bit
            if promotion.combines(with: claimants[claimant]) { combinable |= bit }
        }
        return combinable & bit != 0
    }
}
