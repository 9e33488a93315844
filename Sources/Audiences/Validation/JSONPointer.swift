/// RFC 6901 JSON-pointer construction for issue and node paths.
enum JSONPointer {
    /// `base` + `/` + the escaped `token` (`~` → `~0`, `/` → `~1`).
    static func append(_ base: String, _ token: String) -> String {
        guard token.contains(where: { $0 == "~" || $0 == "/" }) else { return base + "/" + token }
        var escaped = ""
        for character in token {
            switch character {
            case "~": escaped += "~0"
            case "/": escaped += "~1"
            default: escaped.append(character)
            }
        }
        return base + "/" + escaped
    }

    /// `base` + `/` + `index`.
    static func append(_ base: String, _ index: Int) -> String { base + "/" + String(index) }
}
