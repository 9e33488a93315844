import Rules

extension PricingSession {
    func result(applied: [AppliedRecord], reasons: [NotAppliedReason?], details: [Explanation.Failure?],
                couponStates: [CouponState]) -> PriceResult {
        let currency = cart.currency
        func money(_ minorUnits: Int64) -> Money { Money(minorUnits: minorUnits, currency: currency) }

        // Promotion id per applied record (adjustments refer to records).
        let recordIDs = applied.map { snapshot.promotions[$0.promotion].id }

        // Lines, in request order.
        var canonicalOf = [Int](repeating: 0, count: lineCount)
        for (canonical, request) in requestIndex.enumerated() { canonicalOf[request] = canonical }
        var subtotal: Int64 = 0
        var discount: Int64 = 0
        // Every line's adjustments in one buffer, in request order; each line gets its slice.
        var adjustments: [PriceResult.Adjustment] = []
        adjustments.reserveCapacity(adjustmentRecord.count)
        var adjustmentStart = [Int](repeating: 0, count: lineCount + 1)
        for request in 0..<lineCount {
            var node = adjustmentHead[canonicalOf[request]]
            while node >= 0 {
                adjustments.append(.init(promotion: recordIDs[Int(adjustmentRecord[Int(node)])], amount: money(adjustmentAmount[Int(node)])))
                node = adjustmentNext[Int(node)]
            }
            adjustmentStart[request + 1] = adjustments.count
        }
        var resultLines: [PriceResult.Line] = []
        resultLines.reserveCapacity(lineCount)
        // Request lines read in place (a `map` over them copied each line struct).
        cart.lines.withUnsafeBufferPointer { cartLines in
            for request in 0..<lineCount {
                let cartLine = cartLines.baseAddress! + request
                let line = canonicalOf[request]
                let lineSubtotal = cartLine.pointee.subtotalMinorUnits
                subtotal += lineSubtotal
                discount += lineSubtotal - net[line]
                resultLines.append(PriceResult.Line(
                    id: cartLine.pointee.id, quantity: cartLine.pointee.quantity, unitPrice: cartLine.pointee.unitPrice,
                    subtotal: money(lineSubtotal), discount: money(lineSubtotal - net[line]), total: money(net[line]),
                    adjustments: adjustments[adjustmentStart[request]..<adjustmentStart[request + 1]]))
            }
        }

        // Applied promotions; points are computed on the final line totals.
        let calculator = self.calculator
        var appliedResults: [PriceResult.Applied] = []
        var finalReasons = reasons
        var points: Int64 = 0
        var appliedSet = Set<Int>()
        for record in applied {
            let promotion = snapshot.promotions[record.promotion]  // compiled: no copy of the stored struct
            var entry = PriceResult.Applied(
                promotion: promotion.id, name: promotion.name, discount: money(record.taken),
                coupon: unlockingCoupon[record.promotion], applications: record.outcome.applications,
                loyaltyPoints: nil, capped: record.outcome.capped ? true : nil)
            if case .loyaltyPoints(let rate) = promotion.action {
                let awarded = calculator.points(rate, on: calculator.value(of: record.pointsLines))
                guard awarded > 0 else {
                    finalReasons[record.slot] = .noDiscount
                    continue
                }
                entry.loyaltyPoints = awarded
                points = min(ExactArithmetic.add(points, awarded), PriceResult.maxLoyaltyPoints)  // several huge awards
            }
            appliedSet.insert(record.promotion)
            appliedResults.append(entry)
        }

        // Coupon statuses, in request order.
        let couponResults: [PriceResult.CouponResult] = couponStates.map { state in
            var status = state.status ?? .conditionsNotMet
            if state.status == nil, let promotion = state.promotion {
                if appliedSet.contains(promotion) {
                    status = unlockingCoupon[promotion] == state.code ? .applied : .notCombinable
                } else {
                    switch slot(of: promotion).flatMap({ finalReasons[$0] }) {
                    case .blockedByExclusive?, .notCombinable?: status = .notCombinable
                    case .expired?: status = .expired
                    case .notStarted?: status = .notStarted
                    default: status = .conditionsNotMet
                    }
                }
            }
            return .init(code: state.presented, status: status)
        }

        var notApplied: [PriceResult.NotApplied]?
        if cart.explain {
            // `explain` evaluates every promotion (see `selectPromotions`): slot = snapshot index.
            notApplied = evaluated.indices.compactMap { slot in
                let index = evaluated[slot]
                guard !appliedSet.contains(index), let reason = finalReasons[slot] else { return nil }
                let detail = details[slot].map { failure in
                    Explanation.Failure(path: failure.path, field: failure.field, operator: failure.operator,
                                        expected: failure.expected.decimalsAsStrings, found: failure.found?.decimalsAsStrings)
                }
                return .init(promotion: snapshot.promotions[index].id, reason: reason, detail: detail)
            }
        }

        return PriceResult(
            currency: currency, subtotal: money(subtotal), discount: money(discount), total: money(subtotal - discount),
            loyaltyPoints: points, lines: resultLines, applied: appliedResults, notApplied: notApplied, coupons: couponResults)
    }
}

extension JSONValue {
    /// The value with every non-integer number replaced by its exact decimal string, so that a
    /// response never contains a floating-point-looking number (amounts in `detail`).
    var decimalsAsStrings: JSONValue {
        switch self {
        case .number(let number) where !number.isInteger: .string(number.description)
        case .array(let elements): .array(elements.map(\.decimalsAsStrings))
        case .object(let members): .object(members.mapValues(\.decimalsAsStrings))
        default: self
        }
    }
}
