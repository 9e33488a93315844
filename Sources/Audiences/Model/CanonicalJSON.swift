/// Canonical JSON text helpers (no Foundation).
enum CanonicalJSON {
    /// `value` as a JSON string literal with the minimal escapes.
    static func string(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// A JSON object with keys in code-point order.
    static func object(_ members: [String: String]) -> String {
        let body = members.keys.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
            .map { string($0) + ":" + members[$0]! }
        return "{" + body.joined(separator: ",") + "}"
    }
}
