extension ConditionParser {
    /// One field operator and its argument.
    mutating func parseOperator(_ name: String, _ argument: JSONValue, field: FieldPath, fieldPointer: String) -> RuleNode? {
        let argumentPath = Self.pointer(fieldPointer, name)
        func predicate(_ test: FieldTest) -> RuleNode {
            .field(FieldPredicate(path: field, test: test, origin: fieldPointer))
        }
        switch name {
        case "$eq", "$ne":
            guard let literal = parseLiteral(argument, at: argumentPath) else { return nil }
            return predicate(name == "$eq" ? .eq(literal) : .ne(literal))
        case "$gt", "$gte", "$lt", "$lte":
            guard let literal = parseScalarLiteral(name, argument, at: argumentPath) else { return nil }
            switch name {
            case "$gt": return predicate(.gt(literal))
            case "$gte": return predicate(.gte(literal))
            case "$lt": return predicate(.lt(literal))
            default: return predicate(.lte(literal))
            }
        case "$in", "$nin":
            guard let literals = parseLiteralList(name, argument, at: argumentPath) else { return nil }
            return predicate(name == "$in" ? .in(literals) : .nin(literals))
        case "$between":
            guard let literals = parseLiteralList(name, argument, at: argumentPath) else { return nil }
            guard literals.count == 2 else {
                issue("invalid_argument", "$between expects an array of two values [low, high]", at: argumentPath)
                return nil
            }
            for (index, literal) in literals.enumerated() where !Self.isScalar(literal) {
                issue("invalid_argument", "$between bounds must be scalar values", at: Self.pointer(argumentPath, index))
                return nil
            }
            return predicate(.between(literals[0], literals[1]))
        case "$exists":
            switch argument {
            case .bool(let value): return predicate(.exists(value))
            case .number(let number): return predicate(.exists(number != .zero))
            default:
                issue("invalid_argument", "$exists expects a boolean", at: argumentPath)
                return nil
            }
        case "$size":
            let number: JSONNumber?
            switch argument {
            case .number(let value): number = value
            case .object(let members) where TypedLiteral.isTyped(members):
                switch parseLiteral(argument, at: argumentPath) {
                case .value(.number(let value))?: number = value
                case nil: return nil  // parseLiteral reported why
                default: number = nil  // a typed string, date, …: reported below
                }
            default: number = nil
            }
            guard let number, number.isInteger, !number.isNegative, let count = number.int64Value, count <= Int32.max else {
                issue("invalid_argument", "$size expects a non-negative integer", at: argumentPath)
                return nil
            }
            return predicate(.size(Int(count)))
        case "$all":
            return parseAll(argument, field: field, fieldPointer: fieldPointer, at: argumentPath)
        case "$elemMatch":
            guard case .object(let members) = argument else {
                issue("invalid_argument", "$elemMatch expects an object", at: argumentPath)
                return nil
            }
            guard let elemMatch = parseElemMatch(members, at: argumentPath) else { return nil }
            return predicate(.elemMatch(elemMatch))
        case "$not":
            guard case .object(let members) = argument, !members.isEmpty,
                  !TypedLiteral.isTyped(members), members.keys.allSatisfy({ $0.hasPrefix("$") }) else {
                issue("invalid_argument", "$not expects an object of operators, e.g. {\"$not\": {\"$gt\": 5}}", at: argumentPath)
                return nil
            }
            return parseOperators(field, members, at: argumentPath).map(RuleNode.not)
        default:
            unknownOperator(name, at: fieldPointer)
            return nil
        }
    }

    /// `$elemMatch` operator form (all keys are operators other than `$and`/`$or`/`$nor`) or query form.
    mutating func parseElemMatch(_ members: [String: JSONValue], at path: String) -> ElemMatch? {
        let logical: Set<String> = ["$and", "$or", "$nor"]
        let isValueForm = !members.isEmpty && members.keys.allSatisfy { $0.hasPrefix("$") && !logical.contains($0) }
        if isValueForm {
            return parseOperators(.element, members, at: path).map(ElemMatch.value)
        }
        return parseDocument(.object(members), at: path).map(ElemMatch.document)
    }

    /// `$all`: a list of literals, or a list of `{"$elemMatch": …}` objects.
    mutating func parseAll(_ argument: JSONValue, field: FieldPath, fieldPointer: String, at path: String) -> RuleNode? {
        if case .array(let elements) = argument, !elements.isEmpty,
           elements.allSatisfy({ if case .object(let m) = $0 { return m.keys.contains("$elemMatch") } else { return false } }) {
            var children: [RuleNode] = []
            var valid = true
            for (index, element) in elements.enumerated() {
                let elementPath = Self.pointer(path, index)
                guard case .object(let members) = element, members.count == 1,
                      case .object(let inner)? = members["$elemMatch"] else {
                    issue("invalid_argument", "$all with $elemMatch expects objects of the form {\"$elemMatch\": {…}}", at: elementPath)
                    valid = false
                    continue
                }
                if let elemMatch = parseElemMatch(inner, at: Self.pointer(elementPath, "$elemMatch")) {
                    children.append(.field(FieldPredicate(path: field, test: .elemMatch(elemMatch), origin: fieldPointer)))
                } else {
                    valid = false
                }
            }
            return valid ? .and(children) : nil
        }
        guard let literals = parseLiteralList("$all", argument, at: path) else { return nil }
        return .field(FieldPredicate(path: field, test: .all(literals), origin: fieldPointer))
    }
}
