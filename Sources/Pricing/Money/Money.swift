/// An exact amount of money: an integer number of minor units of a currency.
///
/// `Money` never holds a floating-point value. It is written and read as a decimal string with
/// exactly the currency's number of fraction digits (`"49.99"` EUR, `"5000"` JPY, `"1.250"` BHD).
public struct Money: Sendable, Hashable, CustomStringConvertible {
    /// The amount in minor units (cents for EUR, yen for JPY, fils for BHD).
    public let minorUnits: Int64
    /// The currency the amount is expressed in.
    public let currency: Currency

    /// Creates an amount from minor units.
    public init(minorUnits: Int64, currency: Currency) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    /// Zero in `currency`.
    public static func zero(_ currency: Currency) -> Money { Money(minorUnits: 0, currency: currency) }

    /// The decimal string with exactly `currency.exponent` fraction digits, e.g. `"49.99"`.
    public var decimalString: String { DecimalText.format(minorUnits, scale: currency.exponent) }

    public var description: String { "\(decimalString) \(currency.code)" }

    /// The largest amount accepted anywhere (10^15 − 1 minor units), so that every intermediate
    /// product stays exact in 128 bits and every sum fits in 64 bits.
    public static let maxMinorUnits: Int64 = DecimalText.maxMagnitude
}

extension Money {
    /// Why a decimal string is not a valid amount in a currency.
    public enum ParseError: Error, Sendable, Hashable {
        /// Not a plain decimal string (`"1e3"`, `"12,50"`, `" 1"`, `"+1"`, `"1."`).
        case invalid
        /// More fraction digits than the currency has (`"1.005"` EUR, `"10.5"` JPY).
        case tooPrecise(maxFractionDigits: Int)
        /// Magnitude above `Money.maxMinorUnits`.
        case tooLarge

        /// A stable issue code: `invalid_amount`, `too_precise`, `too_large`.
        public var code: String {
            switch self {
            case .invalid: "invalid_amount"
            case .tooPrecise: "too_precise"
            case .tooLarge: "too_large"
            }
        }

        /// A human-readable message.
        public var message: String {
            switch self {
            case .invalid: "expected a decimal string such as \"49.99\""
            case .tooPrecise(let digits): "at most \(digits) fraction digit(s) for this currency"
            case .tooLarge: "amount is too large"
            }
        }
    }

    /// Parses an exact decimal string in `currency`. Fewer fraction digits than the exponent are
    /// fine (`"49.9"` → 4990 cents); more are rejected unless they are zeros — amounts are never
    /// rounded silently.
    public init(parsing text: String, currency: Currency) throws(ParseError) {
        switch DecimalText.parse(text, scale: currency.exponent) {
        case .success(let value):
            self.init(minorUnits: value, currency: currency)
        case .failure(.invalid):
            throw .invalid
        case .failure(.tooPrecise(let digits)):
            throw .tooPrecise(maxFractionDigits: digits)
        case .failure(.tooLarge):
            throw .tooLarge
        }
    }
}

extension Money: Encodable {
    /// Encodes as the decimal string (the currency is carried by the enclosing document).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(decimalString)
    }
}
