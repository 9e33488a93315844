/// Finds `:name` placeholders in filter SQL, skipping what is not SQL code: `'…'` and `E'…'`
/// literals, `"…"` identifiers, `$tag$…$tag$` dollar quotes, `--` and (nested) `/* */` comments,
/// and `::type` casts. A `:` directly after an identifier character or digit is not a placeholder
/// (array slices such as `a[lo:hi]`).
///
/// Works on UTF-8 bytes; every offset is a byte offset into `sql.utf8`.
struct SQLPlaceholderScanner {
    struct Placeholder: Hashable {
        /// The name without the colon.
        var name: String
        /// Byte range of `:name`.
        var range: Range<Int>
    }

    private(set) var placeholders: [Placeholder] = []
    /// Byte offsets of `$1`-style positional parameters (not allowed in filter SQL).
    private(set) var positional: [Int] = []
    /// Byte offsets of `;` in code.
    private(set) var semicolons: [Int] = []
    /// An unterminated literal, identifier or comment, described for a message.
    private(set) var unterminated: String?
    /// The first word of code, lowercased (`select`, `with`, …).
    private(set) var firstKeyword: String?

    let bytes: [UInt8]

    init(_ sql: String) {
        bytes = Array(sql.utf8)
        scan()
    }

    /// The SQL text with every placeholder replaced by `$n`, numbering names by first use from
    /// `start`; the same name gets the same number.
    func positional(startingAt start: Int) -> (sql: String, parameterOrder: [String]) {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 8)
        var order: [String] = []
        var numbers: [String: Int] = [:]
        var cursor = 0
        for placeholder in placeholders {
            out.append(contentsOf: bytes[cursor..<placeholder.range.lowerBound])
            let number: Int
            if let known = numbers[placeholder.name] { number = known }
            else {
                number = start + order.count
                numbers[placeholder.name] = number
                order.append(placeholder.name)
            }
            out.append(contentsOf: Array(("$" + String(number)).utf8))
            cursor = placeholder.range.upperBound
        }
        out.append(contentsOf: bytes[cursor...])
        return (String(decoding: out, as: UTF8.self), order)
    }

    private mutating func scan() {
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            let next: UInt8? = index + 1 < count ? bytes[index + 1] : nil
            switch byte {
            case UInt8(ascii: "'"):
                let escapes = index > 0 && (bytes[index - 1] | 0x20) == UInt8(ascii: "e")
                    && (index < 2 || !Self.isIdentifier(bytes[index - 2]))
                index = skipQuoted(from: index, quote: byte, backslashEscapes: escapes, what: "string literal")
            case UInt8(ascii: "\""):
                index = skipQuoted(from: index, quote: byte, backslashEscapes: false, what: "quoted identifier")
            case UInt8(ascii: "-") where next == UInt8(ascii: "-"):
                while index < count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "/") where next == UInt8(ascii: "*"):
                index = skipBlockComment(from: index)
            case UInt8(ascii: "$"):
                index = scanDollar(at: index)
            case UInt8(ascii: ":"):
                if next == UInt8(ascii: ":") { index += 2; continue }
                let afterWord = index > 0 && (Self.isIdentifier(bytes[index - 1]) || bytes[index - 1] == UInt8(ascii: "]"))
                if let next, Self.isIdentifierStart(next), !afterWord {
                    var end = index + 1
                    while end < count, Self.isIdentifier(bytes[end]) { end += 1 }
                    let name = String(decoding: bytes[(index + 1)..<end], as: UTF8.self)
                    placeholders.append(Placeholder(name: name, range: index..<end))
                    noteCode(at: index)
                    index = end
                } else {
                    index += 1
                }
            case UInt8(ascii: ";"):
                semicolons.append(index)
                index += 1
            default:
                noteCode(at: index)
                index += 1
            }
        }
    }

    private mutating func noteCode(at index: Int) {
        if firstKeyword == nil, bytes[index] == UInt8(ascii: "(") { return }
        guard firstKeyword == nil, Self.isIdentifierStart(bytes[index]) else {
            if firstKeyword == nil, !Self.isSpace(bytes[index]) { firstKeyword = "" }
            return
        }
        var end = index
        while end < bytes.count, Self.isIdentifier(bytes[end]) { end += 1 }
        firstKeyword = String(decoding: bytes[index..<end], as: UTF8.self).lowercased()
    }

    private mutating func skipQuoted(from start: Int, quote: UInt8, backslashEscapes: Bool, what: String) -> Int {
        if firstKeyword == nil { firstKeyword = "" }
        var index = start + 1
        while index < bytes.count {
            let byte = bytes[index]
            if backslashEscapes, byte == UInt8(ascii: "\\") { index += 2; continue }
            if byte == quote {
                if index + 1 < bytes.count, bytes[index + 1] == quote { index += 2; continue }
                return index + 1
            }
            index += 1
        }
        unterminated = unterminated ?? what
        return bytes.count
    }

    private mutating func skipBlockComment(from start: Int) -> Int {
        var depth = 0
        var index = start
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "/"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "*") {
                depth += 1; index += 2; continue
            }
            if bytes[index] == UInt8(ascii: "*"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "/") {
                depth -= 1; index += 2
                if depth == 0 { return index }
                continue
            }
            index += 1
        }
        unterminated = unterminated ?? "comment"
        return bytes.count
    }

    /// `$1` (positional parameter), `$tag$…$tag$` / `$$…$$` (dollar quote), or a `$` inside an
    /// identifier.
    private mutating func scanDollar(at index: Int) -> Int {
        if index > 0, Self.isIdentifier(bytes[index - 1]) { return index + 1 }
        var end = index + 1
        if end < bytes.count, Self.isDigit(bytes[end]) {
            positional.append(index)
            while end < bytes.count, Self.isDigit(bytes[end]) { end += 1 }
            return end
        }
        if end < bytes.count, Self.isIdentifierStart(bytes[end]) {
            while end < bytes.count, Self.isIdentifierStart(bytes[end]) || Self.isDigit(bytes[end]) { end += 1 }
        }
        guard end < bytes.count, bytes[end] == UInt8(ascii: "$") else { return index + 1 }
        if firstKeyword == nil { firstKeyword = "" }
        let tag = Array(bytes[index...end])
        var search = end + 1
        while search + tag.count <= bytes.count {
            if bytes[search] == UInt8(ascii: "$"), Array(bytes[search..<(search + tag.count)]) == tag {
                return search + tag.count
            }
            search += 1
        }
        unterminated = unterminated ?? "dollar-quoted string"
        return bytes.count
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") || byte == UInt8(ascii: "_") || byte >= 0x80
    }

    static func isIdentifier(_ byte: UInt8) -> Bool { isIdentifierStart(byte) || isDigit(byte) || byte == UInt8(ascii: "$") }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }
}
