/// Exact integer helpers: every price computation goes through these, never through floating point.
enum ExactArithmetic {
    /// `a * b / c` rounded with `mode`, computed with a 128-bit intermediate product.
    ///
    /// Preconditions (guaranteed by the callers' validated limits): `a, b ≥ 0`, `c > 0` and the
    /// exact quotient fits in `Int64`.
    static func mulDiv(_ a: Int64, _ b: Int64, _ c: Int64, rounding mode: RoundingMode) -> Int64 {
        let (quotient, remainder) = mulDivRem(a, b, c)
        return round(quotient: quotient, remainder: remainder, divisor: UInt64(c), mode: mode)
    }

    /// `(a * b) / c` and `(a * b) % c` with a 128-bit intermediate; `a, b ≥ 0`, `c > 0`.
    static func mulDivRem(_ a: Int64, _ b: Int64, _ c: Int64) -> (quotient: Int64, remainder: UInt64) {
        let (small, overflow) = a.multipliedReportingOverflow(by: b)
        if !overflow { return (small / c, UInt64(small % c)) }  // common case: 64-bit is enough
        let product = UInt64(a).multipliedFullWidth(by: UInt64(b))
        let divisor = UInt64(c)
        // Clamp rather than trap if a caller ever breaks the "quotient fits" precondition.
        guard product.high < divisor else { return (Int64.max, 0) }
        let (quotient, remainder) = divisor.dividingFullWidth(product)
        guard quotient <= UInt64(Int64.max) else { return (Int64.max, 0) }
        return (Int64(quotient), remainder)
    }

    /// Rounds `quotient + remainder / divisor` to an integer.
    static func round(quotient: Int64, remainder: UInt64, divisor: UInt64, mode: RoundingMode) -> Int64 {
        guard remainder != 0 else { return quotient }
        switch mode {
        case .down:
            return quotient
        case .halfUp, .halfEven:
            // Compare 2·remainder with divisor without overflow: remainder < divisor ≤ UInt64.max.
            let half = divisor - remainder  // remainder > half  <=>  2r > d
            if remainder > half { return quotient + 1 }
            if remainder < half { return quotient }
            if mode == .halfUp { return quotient + 1 }
            return quotient % 2 == 0 ? quotient : quotient + 1
        }
    }

    /// Compares `a1 / b1` with `a2 / b2` exactly (all non-negative, `b1, b2 > 0`).
    static func compareRatios(_ a1: Int64, _ b1: Int64, _ a2: Int64, _ b2: Int64) -> Int {
        let left = UInt64(a1).multipliedFullWidth(by: UInt64(b2))
        let right = UInt64(a2).multipliedFullWidth(by: UInt64(b1))
        if left.high != right.high { return left.high < right.high ? -1 : 1 }
        if left.low != right.low { return left.low < right.low ? -1 : 1 }
        return 0
    }

    /// Sum that saturates at `Int64.max` (amounts are bounded far below; this only protects
    /// against a programming error turning into a crash).
    static func add(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? Int64.max : sum
    }

    /// Product that saturates at `Int64.max`; `a, b ≥ 0`.
    static func multiply(_ a: Int64, _ b: Int64) -> Int64 {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? Int64.max : product
    }
}
