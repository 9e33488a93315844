/// Rewrites PostgreSQL-style statement text for SQLite: `$1` → `?1`, and drops `::type` casts.
enum SQLiteStatementText {
    static func rewrite(_ sql: String) -> String {
        var out = ""
        out.reserveCapacity(sql.utf8.count)
        var characters = Array(sql)[...]
        var inString = false
        while let character = characters.popFirst() {
            if character == "'" { inString.toggle() }
            if !inString, character == "$", let next = characters.first, next.isNumber {
                out.append("?")
            } else if !inString, character == ":", characters.first == ":" {
                characters.removeFirst()
                while let next = characters.first, next.isLetter || next.isNumber || next == "_" || next == "[" || next == "]" {
                    characters.removeFirst()
                }
            } else {
                out.append(character)
            }
        }
        return out
    }
}
