/// An ISO 4217 currency: its alphabetic code and its exponent (the number of minor-unit digits).
///
/// Only codes in the ISO 4217 table are accepted (`Currency(code:)` returns `nil` otherwise), so
/// an amount's scale is never guessed. Encodes and decodes as the bare code string (`"EUR"`).
public struct Currency: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The code's three ASCII letters, first letter in the high byte (so integer order is code
    /// order). Stored as an integer, not a `String`, so `Currency` and `Money` are plain bits:
    /// copying them on the pricing path costs no reference counting.
    private let letters: UInt32
    /// The number of minor-unit digits: 2 for EUR, 0 for JPY, 3 for BHD.
    public let exponent: Int

    /// Looks up an ISO 4217 code (case-sensitive, upper case). Returns `nil` for unknown codes.
    public init?(code: String) {
        guard let exponent = Currency.iso4217Exponents[code], code.utf8.count == 3 else { return nil }
        self.letters = code.utf8.reduce(0) { $0 << 8 | UInt32($1) }
        self.exponent = exponent
    }

    /// The three-letter upper-case code, e.g. `"EUR"`.
    public var code: String {
        String(unsafeUninitializedCapacity: 3) { bytes in
            bytes[0] = UInt8(letters >> 16 & 0xFF)
            bytes[1] = UInt8(letters >> 8 & 0xFF)
            bytes[2] = UInt8(letters & 0xFF)
            return 3
        }
    }

    /// 10^exponent: the number of minor units in one major unit (100 for EUR, 1 for JPY).
    public var minorUnitsPerMajorUnit: Int64 {
        var value: Int64 = 1
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    public var description: String { code }

    public static func < (lhs: Currency, rhs: Currency) -> Bool { lhs.letters < rhs.letters }

    /// Euro (exponent 2).
    public static let eur = Currency(code: "EUR")!
    /// US dollar (exponent 2).
    public static let usd = Currency(code: "USD")!
    /// Japanese yen (exponent 0).
    public static let jpy = Currency(code: "JPY")!
    /// Bahraini dinar (exponent 3).
    public static let bhd = Currency(code: "BHD")!
}

extension Currency: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let code = try container.decode(String.self)
        guard let currency = Currency(code: code) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown ISO 4217 currency '\(code)'")
        }
        self = currency
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(code)
    }
}
