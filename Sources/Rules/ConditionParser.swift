/// Turns condition JSON into a ``RuleNode`` tree, collecting every problem found.
struct ConditionParser {
    let limits: RuleLimits
    var issues: [RuleIssue] = []
    /// Stop collecting after this many issues (keeps error payloads bounded).
    static let maxIssues = 100

    init(limits: RuleLimits) {
        self.limits = limits
    }

    mutating func issue(_ code: String, _ message: String, at path: String) {
        guard issues.count < Self.maxIssues else { return }
        issues.append(RuleIssue(code: code, message: message, path: path))
    }

    /// Parses a whole condition; nil (with issues) when invalid.
    mutating func parse(_ json: JSONValue, basePath: String) -> RuleNode? {
        var checker = LimitChecker(limits: limits)
        checker.check(json, path: basePath, depth: 1)
        if !checker.issues.isEmpty {
            issues = Array(checker.issues.prefix(Self.maxIssues))
            return nil
        }
        let node = parseDocument(json, at: basePath)
        return issues.isEmpty ? node : nil
    }

    /// JSON pointer of `key` under `path` (RFC 6901 escaping).
    static func pointer(_ path: String, _ key: String) -> String {
        path + "/" + key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    static func pointer(_ path: String, _ index: Int) -> String { path + "/" + String(index) }

    static func sortedKeys(_ members: [String: JSONValue]) -> [String] {
        members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    static let unsupportedOperators: Set<String> = [
        "$regex", "$options", "$type", "$mod", "$text", "$where", "$expr", "$jsonSchema", "$comment",
        "$geoWithin", "$geoIntersects", "$near", "$nearSphere", "$bitsAllSet", "$bitsAnySet",
        "$bitsAllClear", "$bitsAnyClear", "$rand", "$sampleRate", "$alwaysTrue", "$alwaysFalse",
    ]

    mutating func unknownOperator(_ name: String, at path: String) {
        if Self.unsupportedOperators.contains(name) {
            issue("unsupported_operator", "operator \"\(name)\" is not supported by Marquee", at: path)
        } else {
            issue("unknown_operator", "unknown operator \"\(name)\"", at: path)
        }
    }

    // MARK: Documents

    /// A query document: fields and `$and`/`$or`/`$nor`/`$not`.
    mutating func parseDocument(_ json: JSONValue, at path: String) -> RuleNode? {
        guard case .object(let members) = json else {
            issue("invalid_condition", "a condition must be an object, not \(json.typeName)", at: path)
            return nil
        }
        var children: [RuleNode] = []
        var valid = true
        for key in Self.sortedKeys(members) {
            let value = members[key]!
            let keyPath = Self.pointer(path, key)
            let node: RuleNode?
            switch key {
            case "$and", "$or", "$nor":
                node = parseLogical(key, value, at: keyPath)
            case "$not":
                node = parseDocument(value, at: keyPath).map(RuleNode.not)
            default:
                if key.hasPrefix("$") {
                    unknownOperator(key, at: keyPath)
                    node = nil
                } else if let fieldPath = parseFieldPath(key, at: keyPath) {
                    node = parseFieldValue(fieldPath, value, at: keyPath)
                } else {
                    node = nil
                }
            }
            if let node { children.append(node) } else { valid = false }
        }
        guard valid else { return nil }
        return Self.conjunction(children)
    }

    static func conjunction(_ children: [RuleNode]) -> RuleNode {
        switch children.count {
        case 0: .constant(true)
        case 1: children[0]
        default: .and(children)
        }
    }

    mutating func parseLogical(_ name: String, _ value: JSONValue, at path: String) -> RuleNode? {
        guard case .array(let elements) = value, !elements.isEmpty else {
            issue("invalid_argument", "\(name) expects a non-empty array of conditions", at: path)
            return nil
        }
        var children: [RuleNode] = []
        var valid = true
        for (index, element) in elements.enumerated() {
            if let child = parseDocument(element, at: Self.pointer(path, index)) {
                children.append(child)
            } else {
                valid = false
            }
        }
        guard valid else { return nil }
        switch name {
        case "$and": return .and(children)
        case "$or": return .or(children)
        default: return .nor(children)
        }
    }

    mutating func parseFieldPath(_ text: String, at path: String) -> FieldPath? {
        let fieldPath = FieldPath(text)
        guard !fieldPath.segments.isEmpty,
              fieldPath.segments.allSatisfy({ !$0.isEmpty && !$0.hasPrefix("$") }) else {
            issue("invalid_field", "invalid field path \"\(text)\" (empty segment or segment starting with $)", at: path)
            return nil
        }
        return fieldPath
    }

    // MARK: Field values

    /// The value of a field: an operator object, a typed literal, or a literal (equality).
    mutating func parseFieldValue(_ field: FieldPath, _ value: JSONValue, at path: String) -> RuleNode? {
        if case .object(let members) = value, !members.isEmpty, !TypedLiteral.isTyped(members) {
            let operatorKeys = members.keys.filter { $0.hasPrefix("$") }
            if !operatorKeys.isEmpty {
                guard operatorKeys.count == members.count else {
                    issue("invalid_condition", "cannot mix operators and fields in one object", at: path)
                    return nil
                }
                return parseOperators(field, members, at: path)
            }
        }
        guard let literal = parseLiteral(value, at: path) else { return nil }
        return .field(FieldPredicate(path: field, test: .eq(literal), origin: path))
    }

    /// `{"$gt": 1, "$lt": 5}`: each operator is its own predicate, all must hold.
    mutating func parseOperators(_ field: FieldPath, _ members: [String: JSONValue], at path: String) -> RuleNode? {
        var children: [RuleNode] = []
        var valid = true
        for key in Self.sortedKeys(members) {
            if let node = parseOperator(key, members[key]!, field: field, fieldPointer: path) {
                children.append(node)
            } else {
                valid = false
            }
        }
        guard valid else { return nil }
        return Self.conjunction(children)
    }
}
