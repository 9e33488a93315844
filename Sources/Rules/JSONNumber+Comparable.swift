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
        // Same order of magnitude: scale both significands to 19 digits (< 10^19 < 2^64) and
        // compare them, without branching on which one is longer.
        let l = lhs.significand &* powerOfTen(19 - Int(lhs.digitCount))
        let r = rhs.significand &* powerOfTen(19 - Int(rhs.digitCount))
        return l == r ? 0 : (l < r ? -1 : 1)
    }

    /// 10^n for 0 ≤ n ≤ 19 (a constant table, not a loop: this is on the hot comparison path).
    @usableFromInline
    static func powerOfTen(_ n: Int) -> UInt64 {
        switch n {
        case 0: 1
        case 1: 10
        case 2: 100
        case 3: 1_000
        case 4: 10_000
        case 5: 100_000
        case 6: 1_000_000
        case 7: 10_000_000
        case 8: 100_000_000
        case 9: 1_000_000_000
        case 10: 10_000_000_000
        case 11: 100_000_000_000
        case 12: 1_000_000_000_000
        case 13: 10_000_000_000_000
        case 14: 100_000_000_000_000
        case 15: 1_000_000_000_000_000
        case 16: 10_000_000_000_000_000
        case 17: 100_000_000_000_000_000
        case 18: 1_000_000_000_000_000_000
        default: 10_000_000_000_000_000_000
        }
    }
}
