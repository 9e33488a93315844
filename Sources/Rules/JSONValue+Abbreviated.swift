extension JSONValue {
    /// A short form for display: arrays and objects keep their first `maxItems` entries (then a
    /// `"… N more"` string), strings their first `maxString` characters, nesting `depth` levels.
    /// Equal values abbreviate equally.
    public func abbreviated(maxItems: Int = 10, maxString: Int = 256, depth: Int = 4) -> JSONValue {
        switch self {
        case .string(let text) where text.count > maxString:
            return .string(String(text.prefix(maxString)) + "… (\(text.utf8.count) bytes)")
        case .array(let elements):
            guard depth > 0 else { return .string("[… \(elements.count) elements]") }
            var shown = elements.prefix(maxItems).map { $0.abbreviated(maxItems: maxItems, maxString: maxString, depth: depth - 1) }
            if elements.count > maxItems { shown.append(.string("… \(elements.count - maxItems) more")) }
            return .array(shown)
        case .object(let members):
            guard depth > 0 else { return .string("{… \(members.count) members}") }
            let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            var shown: [String: JSONValue] = [:]
            for key in keys.prefix(maxItems) {
                shown[String(key.prefix(maxString))] = members[key]!.abbreviated(maxItems: maxItems, maxString: maxString, depth: depth - 1)
            }
            if members.count > maxItems { shown["…"] = .string("\(members.count - maxItems) more members") }
            return .object(shown)
        default:
            return self
        }
    }
}
