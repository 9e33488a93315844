/// Parses and formats plain decimal strings (`"49.99"`, `"-0.5"`, `"100"`) as scaled integers.
///
/// Grammar: an optional `-`, one or more ASCII digits, optionally `.` followed by one or more
/// digits. No `+`, exponent, spaces or thousands separators: amounts travel as exact strings.
enum DecimalText {
    /// Why a decimal string was rejected.
    enum Failure: Error, Equatable {
        /// Not a plain decimal string.
        case invalid
        /// More fraction digits than the scale allows (e.g. `"1.005"` for EUR).
        case tooPrecise(maxFractionDigits: Int)
        /// Larger in magnitude than the allowed maximum.
        case tooLarge
    }

    /// The largest magnitude any scaled value may have: 10^15 − 1 (≈ 10 trillion euros in cents).
    /// Keeps every product `amount × quantity-or-percent` computed later inside 128 bits and every
    /// sum inside `Int64`.
    static let maxMagnitude: Int64 = 999_999_999_999_999

    /// Parses `text` into an integer scaled by 10^`scale`; trailing zeros beyond the scale are
    /// accepted (`"1.50"` at scale 1 is 15), other extra digits are `tooPrecise`.
    static func parse(_ text: String, scale: Int, maxMagnitude: Int64 = DecimalText.maxMagnitude) -> Result<Int64, Failure> {
        var utf8 = Substring(text).utf8[...]
        var negative = false
        if utf8.first == UInt8(ascii: "-") {
            negative = true
            utf8 = utf8.dropFirst()
        }
        var value: Int64 = 0
        var integerDigits = 0
        var fractionDigits = 0
        var seenPoint = false
        var tooLarge = false
        var tooPrecise = false
        for byte in utf8 {
            if byte == UInt8(ascii: ".") {
                if seenPoint || integerDigits == 0 { return .failure(.invalid) }
                seenPoint = true
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return .failure(.invalid) }
            let digit = Int64(byte - UInt8(ascii: "0"))
            if seenPoint {
                fractionDigits += 1
                if fractionDigits > scale {
                    if digit != 0 { tooPrecise = true }
                    continue
                }
            } else {
                integerDigits += 1
            }
            if !tooLarge {
                let (times10, o1) = value.multipliedReportingOverflow(by: 10)
                let (next, o2) = times10.addingReportingOverflow(digit)
                if o1 || o2 || next > maxMagnitude { tooLarge = true } else { value = next }
            }
        }
        if integerDigits == 0 || (seenPoint && fractionDigits == 0) { return .failure(.invalid) }
        if tooPrecise { return .failure(.tooPrecise(maxFractionDigits: scale)) }
        for _ in min(fractionDigits, scale)..<scale where !tooLarge {
            let (next, overflow) = value.multipliedReportingOverflow(by: 10)
            if overflow || next > maxMagnitude { tooLarge = true } else { value = next }
        }
        if tooLarge { return .failure(.tooLarge) }
        return .success(negative ? -value : value)
    }

    /// Formats a scaled integer with exactly `scale` fraction digits: `(4999, 2)` → `"49.99"`.
    static func format(_ scaled: Int64, scale: Int) -> String {
        let negative = scaled < 0
        var digits = String(scaled.magnitude)
        if scale > 0 {
            if digits.count <= scale {
                digits = String(repeating: "0", count: scale - digits.count + 1) + digits
            }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
        }
        return negative ? "-" + digits : digits
    }

    /// Formats a scaled integer dropping trailing fraction zeros: `(125000, 4)` → `"12.5"`.
    static func formatTrimmed(_ scaled: Int64, scale: Int) -> String {
        var text = format(scaled, scale: scale)
        guard scale > 0 else { return text }
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
