extension JSONNumber: CustomStringConvertible, LosslessStringConvertible {
    /// Parses a decimal number in strict JSON number syntax (`-12.5e3`, no `+`, no leading `.`).
    /// Returns nil for anything else or an exponent out of range.
    public init?(_ text: String) {
        var copy = text
        let parsed: JSONNumber?? = copy.withUTF8 { buffer in
            var index = 0
            guard let number = JSONNumber.parse(buffer, &index) else { return .some(nil) }
            return index == buffer.count ? .some(number) : .some(nil)
        }
        guard let value = parsed ?? nil else { return nil }
        self = value
    }

    /// Parses a JSON number starting at `index`; advances `index` past it.
    /// Returns nil on a syntax error or out-of-range exponent.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int) -> JSONNumber? {
        let count = bytes.count
        var i = index
        var negative = false
        if i < count, bytes[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        guard i < count, isDigit(bytes[i]) else { return nil }
        var significand: UInt64 = 0
        var digits = 0          // significant digits accumulated in `significand`
        var exponentAdjust = 0
        var roundDigit: UInt8 = 0
        var droppedAny = false
        var sticky = false
        func accumulate(_ digit: UInt8, fractional: Bool) {
            if significand == 0 && digit == 0 {
                if fractional { exponentAdjust -= 1 }
                return
            }
            if digits < 19 {
                significand = significand * 10 + UInt64(digit)
                digits += 1
                if fractional { exponentAdjust -= 1 }
            } else {
                if !droppedAny {
                    roundDigit = digit
                    droppedAny = true
                } else if digit != 0 {
                    sticky = true
                }
                if !fractional { exponentAdjust += 1 }
            }
        }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
        } else {
            while i < count, isDigit(bytes[i]) { accumulate(bytes[i] &- 48, fractional: false); i += 1 }
        }
        if i < count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard i < count, isDigit(bytes[i]) else { return nil }
            while i < count, isDigit(bytes[i]) { accumulate(bytes[i] &- 48, fractional: true); i += 1 }
        }
        var exponent = 0
        if i < count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            var expNegative = false
            if i < count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
                expNegative = bytes[i] == UInt8(ascii: "-"); i += 1
            }
            guard i < count, isDigit(bytes[i]) else { return nil }
            while i < count, isDigit(bytes[i]) {
                if exponent < 1_000_000 { exponent = exponent * 10 + Int(bytes[i] &- 48) }
                i += 1
            }
            if expNegative { exponent = -exponent }
        }
        index = i
        if significand == 0 { return JSONNumber.zero }
        // Round half-even on the first dropped digit.
        if roundDigit > 5 || (roundDigit == 5 && (sticky || significand % 2 == 1)) {
            significand += 1
            if significand == 10_000_000_000_000_000_000 {
                significand = 1_000_000_000_000_000_000
                exponentAdjust += 1
            }
        }
        return JSONNumber(significand: significand, exponent: exponent + exponentAdjust, isNegative: negative)
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }

    /// Plain decimal notation when reasonable (`49.99`, `-3`, `0.001`), scientific otherwise.
    public var description: String {
        let digits = String(significand)
        let sign = isNegative ? "-" : ""
        let e = Int(exponent)
        if e >= 0 {
            if e <= 20 { return sign + digits + String(repeating: "0", count: e) }
            return sign + digits + "e" + String(e)
        }
        let fractionDigits = -e
        if fractionDigits < digits.count {
            let cut = digits.index(digits.endIndex, offsetBy: -fractionDigits)
            return sign + digits[..<cut] + "." + digits[cut...]
        }
        if fractionDigits - digits.count <= 20 {
            return sign + "0." + String(repeating: "0", count: fractionDigits - digits.count) + digits
        }
        return sign + digits + "e" + String(e)
    }
}

extension JSONNumber: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral {
    /// An integer literal.
    public init(integerLiteral value: Int) { self.init(value) }

    /// A float literal, taken at its shortest round-trip decimal form (`49.99` is exactly 49.99).
    public init(floatLiteral value: Double) {
        self = JSONNumber(exactly: value) ?? .zero
    }

    /// The shortest decimal that round-trips to `value`; nil for infinities and NaN.
    public init?(exactly value: Double) {
        guard value.isFinite else { return nil }
        var text = "\(value)"
        if text.hasSuffix(".0") { text.removeLast(2) }
        guard let number = JSONNumber(text) else { return nil }
        self = number
    }
}
