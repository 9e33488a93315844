/// A test applied to one value found at a path (nil = missing), specialised by literal type.
indirect enum CompiledTest: Sendable {
    case equalsNull
    case equalsString(String)
    case equalsNumber(JSONNumber)
    case equalsBool(Bool)
    case equalsOther(RuleLiteral)
    case compareNumber(ComparisonKind, JSONNumber)
    case compareString(ComparisonKind, String)
    case compareOther(ComparisonKind, RuleLiteral)
    case never
    case member(MemberSet)
    case exists
    case size(Int)
    case elemMatchValue(Program)
    case elemMatchDocument(Program)

    static func equality(_ literal: RuleLiteral) -> CompiledTest {
        switch literal {
        case .value(.null): .equalsNull
        case .value(.string(let string)): .equalsString(string)
        case .value(.number(let number)): .equalsNumber(number)
        case .value(.bool(let bool)): .equalsBool(bool)
        default: .equalsOther(literal)
        }
    }

    static func comparison(_ kind: ComparisonKind, _ literal: RuleLiteral) -> CompiledTest {
        switch literal {
        case .value(.number(let number)): return .compareNumber(kind, number)
        case .value(.string(let string)): return .compareString(kind, string)
        case .value(.null): return kind == .gt || kind == .lt ? .never : .equalsNull
        default: return .compareOther(kind, literal)
        }
    }

    @inline(__always)
    func check(_ value: JSONValue?) -> Bool {
        switch self {
        case .equalsString(let expected):
            if case .string(let found)? = value { return ValueSemantics.bytesEqual(found, expected) }
            return false
        case .equalsNumber(let expected):
            if case .number(let found)? = value { return found == expected }
            return false
        case .member(let set):
            return set.contains(value)
        case .compareNumber(let kind, let expected):
            if case .number(let found)? = value { return kind.accepts(JSONNumber.compare(found, expected)) }
            return false
        case .equalsBool(let expected):
            if case .bool(let found)? = value { return found == expected }
            return false
        case .equalsNull:
            guard let value else { return true }
            if case .null = value { return true }
            return false
        case .compareString(let kind, let expected):
            if case .string(let found)? = value { return kind.accepts(ValueSemantics.bytesCompare(found, expected)) }
            return false
        case .equalsOther(let literal):
            return ValueSemantics.equals(value, literal)
        case .compareOther(let kind, let literal):
            return ValueSemantics.compare(value, literal).map(kind.accepts) ?? false
        case .never:
            return false
        case .exists:
            return value != nil
        case .size(let count):
            if case .array(let elements)? = value { return elements.count == count }
            return false
        case .elemMatchValue(let program):
            guard case .array(let elements)? = value else { return false }
            for element in elements where program.matches(element) { return true }
            return false
        case .elemMatchDocument(let program):
            guard case .array(let elements)? = value else { return false }
            for element in elements {
                switch element {
                case .object, .array: if program.matches(element) { return true }
                default: continue
                }
            }
            return false
        }
    }
}
