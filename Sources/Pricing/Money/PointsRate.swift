/// A non-negative exact decimal with up to four fraction digits, used for loyalty-point rates
/// (`"1"` point per euro, `"0.5"`, a `"2"` × multiplier). At most 10 000.
public struct PointsRate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The rate × 10 000.
    public let tenThousandths: Int64

    /// Maximum number of fraction digits accepted.
    public static let maxFractionDigits = 4
    /// One (the neutral rate).
    public static let one = PointsRate(uncheckedTenThousandths: 10_000)

    init(uncheckedTenThousandths: Int64) { self.tenThousandths = uncheckedTenThousandths }

    /// Parses `"1.5"`; `nil` if not a non-negative decimal string with at most four fraction
    /// digits and at most 10 000.
    public init?(parsing text: String) {
        guard case .success(let value) = DecimalText.parse(text, scale: PointsRate.maxFractionDigits, maxMagnitude: 100_000_000),
              value >= 0 else { return nil }
        self.tenThousandths = value
    }

    /// The canonical decimal string without trailing zeros.
    public var decimalString: String { DecimalText.formatTrimmed(tenThousandths, scale: PointsRate.maxFractionDigits) }

    public var description: String { decimalString }

    public static func < (lhs: PointsRate, rhs: PointsRate) -> Bool { lhs.tenThousandths < rhs.tenThousandths }
}
