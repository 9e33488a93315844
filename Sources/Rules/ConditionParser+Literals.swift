extension ConditionParser {
    static func isScalar(_ literal: RuleLiteral) -> Bool {
        switch literal {
        case .value(.array), .value(.object): false
        default: true
        }
    }

    /// A literal: plain JSON or a typed literal `{"value": …, "type": "DECIMAL"}`.
    mutating func parseLiteral(_ json: JSONValue, at path: String) -> RuleLiteral? {
        if case .object(let members) = json, TypedLiteral.isTyped(members) {
            guard members["values"] == nil else {
                issue("invalid_argument", "a typed list {\"values\": […], \"type\": …} is only allowed for $in, $nin, $all and $between", at: path)
                return nil
            }
            guard let type = parseType(members["type"]!, at: Self.pointer(path, "type")) else { return nil }
            return convert(members["value"]!, to: type, at: Self.pointer(path, "value"))
        }
        return .value(json)
    }

    /// A literal for `$gt`/`$gte`/`$lt`/`$lte`: scalars only.
    mutating func parseScalarLiteral(_ name: String, _ json: JSONValue, at path: String) -> RuleLiteral? {
        guard let literal = parseLiteral(json, at: path) else { return nil }
        guard Self.isScalar(literal) else {
            issue("invalid_argument", "\(name) expects a scalar value (string, number, boolean, null or typed literal), not \(json.typeName)", at: path)
            return nil
        }
        return literal
    }

    /// The list of `$in`/`$nin`/`$all`/`$between`: a JSON array (elements may be typed literals)
    /// or a typed list `{"values": […], "type": "STRING"}`.
    mutating func parseLiteralList(_ name: String, _ json: JSONValue, at path: String) -> [RuleLiteral]? {
        switch json {
        case .array(let elements):
            var literals: [RuleLiteral] = []
            var valid = true
            for (index, element) in elements.enumerated() {
                // A plain value is its own literal; only objects need the element's pointer.
                guard case .object(let members) = element else {
                    literals.append(.value(element))
                    continue
                }
                let elementPath = Self.pointer(path, index)
                if !TypedLiteral.isTyped(members), members.keys.contains(where: { $0.hasPrefix("$") }) {
                    issue("invalid_argument", "\(name) values cannot contain operators", at: elementPath)
                    valid = false
                } else if let literal = parseLiteral(element, at: elementPath) {
                    literals.append(literal)
                } else {
                    valid = false
                }
            }
            return valid ? literals : nil
        case .object(let members) where TypedLiteral.isTyped(members) && members["values"] != nil:
            guard let type = parseType(members["type"]!, at: Self.pointer(path, "type")) else { return nil }
            guard case .array(let values) = members["values"]! else {
                issue("invalid_argument", "\"values\" of a typed list must be an array", at: Self.pointer(path, "values"))
                return nil
            }
            var literals: [RuleLiteral] = []
            var valid = true
            for (index, value) in values.enumerated() {
                if let literal = convert(value, to: type, at: Self.pointer(Self.pointer(path, "values"), index)) {
                    literals.append(literal)
                } else {
                    valid = false
                }
            }
            return valid ? literals : nil
        default:
            issue("invalid_argument", "\(name) expects an array", at: path)
            return nil
        }
    }

    mutating func parseType(_ json: JSONValue, at path: String) -> TypedLiteral.Kind? {
        guard case .string(let name) = json, let kind = TypedLiteral.Kind(rawValue: name) else {
            issue("invalid_argument", "unknown literal type \(json.jsonText) (expected STRING, BOOLEAN, INTEGER, DECIMAL or DATETIME)", at: path)
            return nil
        }
        return kind
    }

    mutating func convert(_ json: JSONValue, to kind: TypedLiteral.Kind, at path: String) -> RuleLiteral? {
        if let literal = TypedLiteral.convert(json, to: kind) {
            if case .value(.number(let number)) = literal, !number.isWritable {
                issues.append(.numberOutOfRange(at: path))
                return nil
            }
            return literal
        }
        issue("type_mismatch", "\(json.jsonText) is not a valid \(kind.rawValue)", at: path)
        return nil
    }
}
