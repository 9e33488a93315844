extension RuleNode {
    /// Canonical JSON for this node (document context). Parses back to an equal tree.
    public var canonicalJSON: JSONValue {
        switch self {
        case .constant(true): return .object([:])
        case .constant(false): return .object(["$nor": .array([.object([:])])])
        case .or(let children): return .object(["$or": .array(children.map(\.canonicalJSON))])
        case .nor(let children): return .object(["$nor": .array(children.map(\.canonicalJSON))])
        case .and(let children):
            if let merged = RuleNode.mergedFields(children) { return merged }
            return .object(["$and": .array(children.map(\.canonicalJSON))])
        case .not(let child):
            if let (path, operators) = child.fieldOperators() {
                return .object([path.description: .object(["$not": .object(operators)])])
            }
            return .object(["$nor": .array([child.canonicalJSON])])
        case .field(let predicate):
            let (name, argument) = predicate.test.operatorAndArgument
            if name == "$eq", case .eq(let literal) = predicate.test, literal.isImplicitEqualityForm {
                return .object([predicate.path.description: argument])
            }
            return .object([predicate.path.description: .object([name: argument])])
        }
    }

    /// A field predicate, or an `$and` of field predicates on one path with distinct operators,
    /// as `(path, {"$op": argument, …})`.
    func fieldOperators() -> (FieldPath, [String: JSONValue])? {
        switch self {
        case .field(let predicate):
            let (name, argument) = predicate.test.operatorAndArgument
            return (predicate.path, [name: argument])
        case .not(let child):
            guard let (path, operators) = child.fieldOperators() else { return nil }
            return (path, ["$not": .object(operators)])
        case .and(let children):
            var path: FieldPath?
            var operators: [String: JSONValue] = [:]
            for child in children {
                guard let (childPath, childOperators) = child.fieldOperators() else { return nil }
                if let path, path != childPath { return nil }
                path = childPath
                for (key, value) in childOperators {
                    guard operators.updateValue(value, forKey: key) == nil else { return nil }
                }
            }
            return path.map { ($0, operators) }
        default:
            return nil
        }
    }

    /// `{"a": 1, "b": {"$gt": 2, "$lt": 5}}` when the children are predicates whose operators
    /// do not collide; nil otherwise.
    static func mergedFields(_ children: [RuleNode]) -> JSONValue? {
        var byPath: [String: [String: JSONValue]] = [:]
        var paths: [String: FieldPath] = [:]
        for child in children {
            guard let (path, operators) = child.fieldOperators() else { return nil }
            let key = path.description
            if let existing = paths[key], existing != path { return nil }
            paths[key] = path
            var merged = byPath[key] ?? [:]
            for (name, value) in operators {
                guard merged.updateValue(value, forKey: name) == nil else { return nil }
            }
            byPath[key] = merged
        }
        var object: [String: JSONValue] = [:]
        for (key, operators) in byPath {
            if operators.count == 1, let eq = operators["$eq"], RuleLiteral.jsonIsImplicitEqualityForm(eq) {
                object[key] = eq
            } else {
                object[key] = .object(operators)
            }
        }
        return .object(object)
    }

    /// Canonical JSON of a node in operator-form `$elemMatch` (element context): an operator
    /// object. The normaliser only produces element trees that ``isElementRenderable``.
    var elementJSON: JSONValue {
        if let (_, operators) = fieldOperators() { return .object(operators) }
        switch self {
        case .constant(let value): return .object(["$exists": .bool(value)])
        default:
            // Not produced by parsing or normalising; keep the information visible.
            return .object(["$and": .array([canonicalJSON])])
        }
    }

    /// Whether an element-context tree can be written as one operator object.
    var isElementRenderable: Bool {
        if case .constant = self { return true }
        return fieldOperators() != nil
    }
}

extension RuleLiteral {
    /// Canonical JSON: plain JSON for strings, booleans, null, integers, arrays and objects;
    /// `{"value": "49.99", "type": "DECIMAL"}` for non-integers; `{"value": …, "type": "DATETIME"}`.
    public var canonicalJSON: JSONValue {
        switch self {
        case .dateTime(let instant): return .object(["value": .string(instant.description), "type": "DATETIME"])
        case .value(.number(let number)) where !number.isInteger:
            return .object(["value": .string(number.description), "type": "DECIMAL"])
        case .value(let json): return json
        }
    }

    /// Whether `{"field": literal}` can stand for `$eq` (objects cannot: they would be read as
    /// operators or typed literals).
    var isImplicitEqualityForm: Bool { Self.jsonIsImplicitEqualityForm(canonicalJSON) && !isObjectValue }

    var isObjectValue: Bool {
        if case .value(.object) = self { return true }
        return false
    }

    static func jsonIsImplicitEqualityForm(_ json: JSONValue) -> Bool {
        if case .object = json { return false }
        return true
    }
}

extension FieldTest {
    /// The MongoDB operator name and its canonical JSON argument.
    public var operatorAndArgument: (String, JSONValue) {
        func list(_ literals: [RuleLiteral]) -> JSONValue { .array(literals.map(\.canonicalJSON)) }
        switch self {
        case .eq(let literal): return ("$eq", literal.canonicalJSON)
        case .ne(let literal): return ("$ne", literal.canonicalJSON)
        case .gt(let literal): return ("$gt", literal.canonicalJSON)
        case .gte(let literal): return ("$gte", literal.canonicalJSON)
        case .lt(let literal): return ("$lt", literal.canonicalJSON)
        case .lte(let literal): return ("$lte", literal.canonicalJSON)
        case .in(let literals): return ("$in", list(literals))
        case .nin(let literals): return ("$nin", list(literals))
        case .between(let low, let high): return ("$between", list([low, high]))
        case .exists(let expected): return ("$exists", .bool(expected))
        case .size(let count): return ("$size", .number(JSONNumber(count)))
        case .all(let literals): return ("$all", list(literals))
        case .elemMatch(.value(let node)): return ("$elemMatch", node.elementJSON)
        case .elemMatch(.document(let node)): return ("$elemMatch", node.canonicalJSON)
        }
    }
}
