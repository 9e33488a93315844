/// RFC 6901 JSON-pointer construction for issue paths.
enum JSONPointer {
    /// `base` + `/` + the escaped `token` (`~` → `~0`, `/` → `~1`).
    static func append(_ base: String, _ token: String) -> String {
        guard token.contains("~") || token.contains("/") else { return base + "/" + token }
        return base + "/" + token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    /// `base` + `/` + `index`.
    static func append(_ base: String, _ index: Int) -> String { base + "/" + String(index) }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
