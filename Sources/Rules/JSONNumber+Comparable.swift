extension JSONNumber: Comparable {
    /// Exact numeric ordering (no floating point).
    public static func < (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
        compare(lhs, rhs) < 0
    }

    /// Three-way exact comparison: negative, zero or positive.
    @inlinable
    static func compare(_ lhs: JSONNumber, _ rhs: JSONNumber) -> Int {
        if lhs.isNegative != rhs.isNegative { return lhs.isNegative ? -1 : 1 }
        let magnitude = compareMagnitude(lhs, rhs)
        return lhs.isNegative ? -magnitude : magnitude
    }

    @usableFromInline
    static func compareMagnitude(_ lhs: JSONNumber, _ rhs: JSONNumber) -> Int {
        if lhs.significand == 0 || rhs.significand == 0 {
            return lhs.significand == 0 ? (rhs.significand == 0 ? 0 : -1) : 1
        }
        let lAdjusted = Int(lhs.exponent) + Int(lhs.digitCount)
        let rAdjusted = Int(rhs.exponent) + Int(rhs.digitCount)
        if lAdjusted != rAdjusted { return lAdjusted < rAdjusted ? -1 : 1 }
        // Same order of magnitude: align to the longer significand (fits: at most 19 digits).
        var l = lhs.significand
        var r = rhs.significand
        if lhs.digitCount < rhs.digitCount {
            l &*= powerOfTen(Int(rhs.digitCount - lhs.digitCount))
        } else if rhs.digitCount < lhs.digitCount {
            r &*= powerOfTen(Int(lhs.digitCount - rhs.digitCount))
        }
        return l == r ? 0 : (l < r ? -1 : 1)
    }

    @usableFromInline
    static func powerOfTen(_ n: Int) -> UInt64 {
        var p: UInt64 = 1
        for _ in 0..<n { p &*= 10 }
        return p
    }
}
