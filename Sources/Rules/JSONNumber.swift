/// An exact decimal number: `(-1)^isNegative × significand × 10^exponent`.
///
/// Numbers keep their decimal value exactly (`"49.99"` is 4999 × 10⁻²), so comparisons never go
/// through binary floating point. The representation is canonical (no trailing zeros in the
/// significand, zero is always positive with exponent 0), so `==` and hashing are by value:
/// `1`, `1.0` and `10e-1` are the same number. Up to 19 significant digits are kept exactly;
/// longer literals are rounded half-even to 19 digits (MongoDB's Decimal128 rounds at 34).
public struct JSONNumber: Sendable, Hashable {
    /// The significand, without trailing decimal zeros (0 only for zero).
    public let significand: UInt64
    /// The power of ten the significand is scaled by.
    public let exponent: Int32
    /// Whether the number is negative (never true for zero).
    public let isNegative: Bool
    /// Number of decimal digits in `significand` (1 for zero).
    let digitCount: UInt8

    /// The largest accepted magnitude of `exponent` (the Decimal128 range).
    public static let maxExponent: Int = 6_200

    /// Creates a number from its parts, normalising trailing zeros. Returns nil if the exponent
    /// is out of range.
    public init?(significand: UInt64, exponent: Int, isNegative: Bool = false) {
        var s = significand
        var e = exponent
        if s == 0 {
            self.init(uncheckedSignificand: 0, exponent: 0, isNegative: false)
            return
        }
        while s % 10 == 0 { s /= 10; e += 1 }
        guard abs(e) <= Self.maxExponent else { return nil }
        self.init(uncheckedSignificand: s, exponent: Int32(e), isNegative: isNegative)
    }

    init(uncheckedSignificand s: UInt64, exponent: Int32, isNegative: Bool) {
        self.significand = s
        self.exponent = exponent
        self.isNegative = s == 0 ? false : isNegative
        var d: UInt8 = 1
        var v = s
        while v >= 10 { v /= 10; d += 1 }
        self.digitCount = d
    }

    /// Reassembles a number from its stored parts (which must come from a valid number).
    @inline(__always)
    init(significand: UInt64, exponent: Int32, isNegative: Bool, digitCount: UInt8) {
        self.significand = significand
        self.exponent = exponent
        self.isNegative = isNegative
        self.digitCount = digitCount
    }

    /// Creates an integer number.
    public init(_ value: Int) { self.init(Int64(value)) }

    /// Creates an integer number.
    public init(_ value: Int64) {
        let magnitude = value.magnitude
        // A 64-bit magnitude always fits and the exponent is tiny: never nil.
        self = JSONNumber(significand: magnitude, exponent: 0, isNegative: value < 0)!
    }

    /// Creates `units × 10^-scale`, e.g. `JSONNumber(units: 4999, scale: 2)` is 49.99.
    public init(units: Int64, scale: Int) {
        self = JSONNumber(significand: units.magnitude, exponent: -scale, isNegative: units < 0) ?? JSONNumber(0)
    }

    /// The number zero.
    public static let zero = JSONNumber(0)

    /// True when the number has no fractional part.
    public var isInteger: Bool { exponent >= 0 || significand == 0 }

    /// The exact value as an `Int64`, or nil when it is fractional or out of range.
    public var int64Value: Int64? {
        guard let units = units(scale: 0) else { return nil }
        return units
    }

    /// The value as `Double` (approximate; for display and statistics only).
    public var doubleValue: Double { Double(description) ?? .nan }

    /// The value scaled to an integer number of `10^-scale` units (e.g. minor units of money),
    /// or nil when that is not exact or does not fit in an `Int64`.
    public func units(scale: Int) -> Int64? {
        if significand == 0 { return 0 }
        let shift = Int(exponent) + scale
        var magnitude = significand
        if shift < 0 { return nil }
        if shift > 19 { return nil }
        for _ in 0..<shift {
            let (m, overflow) = magnitude.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            magnitude = m
        }
        if isNegative {
            if magnitude == UInt64(Int64.max) + 1 { return Int64.min }
            guard magnitude <= UInt64(Int64.max) else { return nil }
            return -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }
}

extension JSONNumber {
    /// The largest exponent magnitude a number may have where it is written back out: JSON
    /// responses go through Foundation's `Decimal` (exponents −128…127), and a stored rule whose
    /// number cannot be written back would make its tenant's list unreadable.
    public static let maxWritableExponent = 127

    /// Whether the number can be written back exactly (see `maxWritableExponent`).
    public var isWritable: Bool { abs(Int(exponent)) <= Self.maxWritableExponent }
}

extension JSONValue {
    /// JSON pointers (under `path`) of the numbers in this value that cannot be written back
    /// exactly (`JSONNumber.isWritable`), in document order.
    public func unwritableNumberPaths(at path: String = "") -> [String] {
        // Paths are built only when there is something to report (one per element was most of
        // checking a 10,000-element list).
        guard containsUnwritableNumber else { return [] }
        return switch self {
        case .number(let number): number.isWritable ? [] : [path]
        case .array(let elements): elements.enumerated().flatMap { $1.unwritableNumberPaths(at: ConditionParser.pointer(path, $0)) }
        case .object(let members):
            members.keys.sorted().flatMap { members[$0]!.unwritableNumberPaths(at: ConditionParser.pointer(path, $0)) }
        case .null, .bool, .string: []
        }
    }

    private var containsUnwritableNumber: Bool {
        switch self {
        case .number(let number): !number.isWritable
        case .array(let elements): elements.contains { $0.containsUnwritableNumber }
        case .object(let members): members.values.contains { $0.containsUnwritableNumber }
        case .null, .bool, .string: false
        }
    }
}
