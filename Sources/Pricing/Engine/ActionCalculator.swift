/// Computes what an action does to a set of eligible lines, given their current net values.
///
/// Pure integer arithmetic on minor units; every per-line amount is between 0 and the line's
/// current net value, so no line ever goes below zero. Lines are canonical indices (sorted by
/// line id) and every tie is broken by that order, never by request order.
struct ActionCalculator {
    /// Current net value of every line (canonical order).
    let net: [Int64]
    /// Quantity of every line (canonical order).
    let quantity: [Int64]
    /// Σ `net` (kept by the session, so the value of all lines costs no loop).
    let netTotal: Int64
    /// Rounding of exact quotients.
    let rounding: RoundingMode
    /// Minor units per major unit of the cart currency (for points).
    let minorPerMajor: Int64
    /// The tenant's base earn rate.
    let basePoints: PointsRate
    /// Only the total matters (ranking): skip splitting cart-level amounts over lines.
    var effectOnly = false

    func compute(_ promotion: CompiledPromotion, lines: [Int]) -> ActionOutcome {
        var outcome: ActionOutcome
        let limit = promotion.maxApplications
        switch promotion.action {
        case .percentOff(let percent):
            outcome = percentOff(percent, lines: lines, limit: limit)
        case .amountOff(let amount, .unit):
            outcome = perUnit(lines: lines, limit: limit) { value, units in min(value, ExactArithmetic.multiply(amount.minorUnits, units)) }
        case .amountOff(let amount, .line):
            outcome = amountPerLine(amount.minorUnits, lines: lines, limit: limit)
        case .amountOff(let amount, .cart):
            outcome = spread(min(amount.minorUnits, value(of: lines)), over: lines)
        case .fixedPrice(let price):
            outcome = perUnit(lines: lines, limit: limit) { value, units in max(0, value - ExactArithmetic.multiply(price.minorUnits, units)) }
        case .buyXGetY(let buy, let get, let percent, let cheapest):
            outcome = buyXGetY(buy: Int64(buy), get: Int64(get), percent: percent, cheapest: cheapest, lines: lines, limit: limit)
        case .multiBuy(let size, let price):
            outcome = multiBuy(size: Int64(size), price: price.minorUnits, lines: lines, limit: limit)
        case .tieredSpend(let tiers):
            outcome = tieredSpend(tiers, lines: lines)
        case .loyaltyPoints(let rate):
            var result = ActionOutcome()
            result.points = points(rate, on: value(of: lines))
            result.applications = result.points > 0 ? 1 : 0
            return result
        }
        outcome.discounts.sort { $0.line < $1.line }
        if let cap = promotion.maxDiscount, outcome.total > cap, effectOnly {
            outcome.total = cap
            outcome.capped = true
            outcome.partial = true
        } else if let cap = promotion.maxDiscount, outcome.total > cap {
            let shares = Allocation.largestRemainder(cap, weights: outcome.discounts.map(\.amount))
            outcome.discounts = zip(outcome.discounts, shares).compactMap { entry, share in
                share > 0 ? (entry.line, share) : nil
            }
            outcome.total = cap
            outcome.capped = true
        }
        return outcome
    }

    /// Σ current net values of `lines`.
    func value(of lines: [Int]) -> Int64 {
        if lines.count == net.count { return netTotal }  // distinct lines: all of them
        return lines.reduce(0) { ExactArithmetic.add($0, net[$1]) }
    }

    /// Points for `value` minor units at `rate`, at most `PriceResult.maxLoyaltyPoints`.
    func points(_ rate: LoyaltyRate, on value: Int64) -> Int64 {
        let points = switch rate {
        case .perUnitOfCurrency(let perUnit):
            ExactArithmetic.mulDiv(value, perUnit.tenThousandths, minorPerMajor * 10_000, rounding: rounding)
        case .multiplier(let multiplier):
            ExactArithmetic.mulDiv(value, multiplier.tenThousandths * basePoints.tenThousandths,
                                   minorPerMajor * 100_000_000, rounding: rounding)
        }
        return min(points, PriceResult.maxLoyaltyPoints)
    }

    // MARK: - Actions

    private func percentOff(_ percent: Percent, lines: [Int], limit: Int?) -> ActionOutcome {
        guard let limit else {
            var outcome = ActionOutcome(reserving: lines.count)
            for line in lines {
                let amount = percent.of(net[line], rounding: rounding)
                if amount > 0 { outcome.add(line, amount, units: Int(quantity[line])) }
            }
            return outcome
        }
        return perUnit(lines: lines, limit: limit) { value, _ in percent.of(value, rounding: rounding) }
    }

    /// Applies `discount(valueOfUnits, units)` to every target unit, or — with a limit — to at most
    /// `limit` units, most valuable first. One application = one unit.
    private func perUnit(lines: [Int], limit: Int?, discount: (Int64, Int64) -> Int64) -> ActionOutcome {
        var outcome = ActionOutcome(reserving: lines.count)
        let taken = limit.map { takeUnits(Int64($0), from: lines, cheapestFirst: false) } ?? lines.map { ($0, quantity[$0]) }
        for (line, units) in taken where units > 0 {
            let amount = min(net[line], max(0, discount(unitsValue(line, units), units)))
            if amount > 0 { outcome.add(line, amount, units: Int(units)) }
        }
        return outcome
    }

    /// `amount` off every target line (one application per line), most valuable lines first when limited.
    private func amountPerLine(_ amount: Int64, lines: [Int], limit: Int?) -> ActionOutcome {
        var chosen = lines
        if let limit, limit < lines.count {
            chosen = Array(lines.sorted { net[$0] != net[$1] ? net[$0] > net[$1] : $0 < $1 }.prefix(limit)).sorted()
        }
        var outcome = ActionOutcome(reserving: chosen.count)
        for line in chosen {
            let value = min(amount, net[line])
            if value > 0 { outcome.add(line, value, units: 1) }
        }
        return outcome
    }

    /// `total` spread over `lines` proportionally to their net values (largest remainder); one application.
    private func spread(_ total: Int64, over lines: [Int], weights: [Int64]? = nil) -> ActionOutcome {
        var outcome = ActionOutcome()
        guard total > 0 else { return outcome }
        outcome.applications = 1
        if effectOnly {
            outcome.total = total
            outcome.partial = true
            return outcome
        }
        let shares = Allocation.largestRemainder(total, weights: weights ?? lines.map { net[$0] })
        outcome.discounts.reserveCapacity(lines.count)
        for (line, share) in zip(lines, shares) where share > 0 {
            outcome.discounts.append((line, share))
            outcome.total += share
        }
        return outcome
    }

    private func buyXGetY(buy: Int64, get: Int64, percent: Percent, cheapest: Bool, lines: [Int], limit: Int?) -> ActionOutcome {
        let units = lines.reduce(Int64(0)) { $0 + quantity[$1] }
        var sets = units / (buy + get)
        if let limit { sets = min(sets, Int64(limit)) }
        guard sets > 0 else { return .none(.insufficientQuantity) }
        var outcome = ActionOutcome()
        for (line, free) in takeUnits(sets * get, from: lines, cheapestFirst: cheapest) where free > 0 {
            let amount = ExactArithmetic.mulDiv(net[line], free * percent.millionths, quantity[line] * 1_000_000, rounding: rounding)
            if amount > 0 {
                outcome.discounts.append((line, min(amount, net[line])))
                outcome.total += min(amount, net[line])
            }
        }
        outcome.applications = outcome.total > 0 ? Int(sets) : 0
        return outcome
    }

    private func multiBuy(size: Int64, price: Int64, lines: [Int], limit: Int?) -> ActionOutcome {
        let units = lines.reduce(Int64(0)) { $0 + quantity[$1] }
        var bundles = units / size
        if let limit { bundles = min(bundles, Int64(limit)) }
        guard bundles > 0 else { return .none(.insufficientQuantity) }
        // The most valuable units go into bundles (the customer-favourable choice).
        let taken = takeUnits(bundles * size, from: lines, cheapestFirst: false).filter { $0.units > 0 }.sorted { $0.line < $1.line }
        let values = taken.map { unitsValue($0.line, $0.units) }
        let bundledValue = values.reduce(0, ExactArithmetic.add)
        let discount = bundledValue - ExactArithmetic.multiply(bundles, price)
        guard discount > 0 else { return .none(.noDiscount) }
        var outcome = spread(discount, over: taken.map(\.line), weights: values)
        outcome.applications = Int(bundles)
        return outcome
    }

    private func tieredSpend(_ tiers: [SpendTier], lines: [Int]) -> ActionOutcome {
        let base = value(of: lines)
        var reached: SpendTier?
        for tier in tiers where tier.threshold.minorUnits <= base {
            if let best = reached, best.threshold.minorUnits >= tier.threshold.minorUnits { continue }
            reached = tier
        }
        guard let tier = reached else { return .none(.thresholdNotReached) }
        switch tier.reward {
        case .percent(let percent): return spread(percent.of(base, rounding: rounding), over: lines)
        case .amount(let amount): return spread(min(amount.minorUnits, base), over: lines)
        }
    }

    // MARK: - Units

    /// The value of `units` of the line's `quantity` units at its current net value.
    private func unitsValue(_ line: Int, _ units: Int64) -> Int64 {
        units == quantity[line] ? net[line] : ExactArithmetic.mulDiv(net[line], units, quantity[line], rounding: rounding)
    }

    /// Picks `count` units across `lines`, cheapest (or most valuable) unit value first; ties by
    /// canonical line order. Returns (line, units taken) in the picking order.
    private func takeUnits(_ count: Int64, from lines: [Int], cheapestFirst: Bool) -> [(line: Int, units: Int64)] {
        let ordered = lines.sorted { a, b in
            let order = ExactArithmetic.compareRatios(net[a], quantity[a], net[b], quantity[b])
            if order != 0 { return cheapestFirst ? order < 0 : order > 0 }
            return a < b
        }
        var remaining = count
        var taken: [(line: Int, units: Int64)] = []
        taken.reserveCapacity(ordered.count)
        for line in ordered where remaining > 0 {
            let units = min(remaining, quantity[line])
            taken.append((line, units))
            remaining -= units
        }
        return taken
    }
}

extension ActionOutcome {
    mutating func add(_ line: Int, _ amount: Int64, units: Int) {
        discounts.append((line, amount))
        total += amount
        applications += units
    }
}
