/// An exact percentage between 0 and 100 with up to four fraction digits (`"12.5"`, `"33.3333"`).
///
/// Stored as millionths of the whole: 100 % is 1 000 000, 12.5 % is 125 000.
public struct Percent: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The percentage in millionths of the whole (percent × 10 000).
    public let millionths: Int64

    /// 100 %.
    public static let hundred = Percent(uncheckedMillionths: 1_000_000)
    /// Maximum number of fraction digits accepted in a percentage.
    public static let maxFractionDigits = 4

    init(uncheckedMillionths: Int64) { self.millionths = uncheckedMillionths }

    /// Creates a whole-number percentage; `nil` outside 0...100.
    public init?(_ percent: Int) {
        guard (0...100).contains(percent) else { return nil }
        self.millionths = Int64(percent) * 10_000
    }

    /// Parses `"12.5"`; `nil` if not a decimal string, more than four fraction digits, or outside 0...100.
    public init?(parsing text: String) {
        guard case .success(let value) = DecimalText.parse(text, scale: Percent.maxFractionDigits, maxMagnitude: 1_000_000_000),
              (0...1_000_000).contains(value) else { return nil }
        self.millionths = value
    }

    /// The canonical decimal string without trailing zeros: `"12.5"`, `"100"`.
    public var decimalString: String { DecimalText.formatTrimmed(millionths, scale: Percent.maxFractionDigits) }

    public var description: String { decimalString + "%" }

    public static func < (lhs: Percent, rhs: Percent) -> Bool { lhs.millionths < rhs.millionths }

    /// `amount × self`, rounded to whole minor units.
    public func of(_ minorUnits: Int64, rounding: RoundingMode) -> Int64 {
        ExactArithmetic.mulDiv(minorUnits, millionths, 1_000_000, rounding: rounding)
    }
}
