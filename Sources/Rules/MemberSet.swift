/// The literal list of `$in`/`$nin`, split by type for fast membership tests.
struct MemberSet: Sendable {
    /// The list contains null: missing and null values are members.
    var containsNull = false
    var containsFalse = false
    var containsTrue = false
    var strings: [String] = []
    /// For long lists: strings bucketed by Swift string equality (canonical equivalence),
    /// each bucket holding the byte-distinct literals; membership is then checked byte-wise.
    var stringBuckets: [String: [String]]?
    var numbers: [JSONNumber] = []
    var numberSet: Set<JSONNumber>?
    /// Arrays, objects and date-times.
    var others: [RuleLiteral] = []

    static let hashThreshold = 8

    init(_ literals: [RuleLiteral]) {
        for literal in literals {
            switch literal {
            case .value(.null): containsNull = true
            case .value(.bool(let value)): if value { containsTrue = true } else { containsFalse = true }
            case .value(.string(let value)): strings.append(value)
            case .value(.number(let value)): numbers.append(value)
            default: others.append(literal)
            }
        }
        if strings.count > Self.hashThreshold {
            stringBuckets = Dictionary(grouping: strings, by: { $0 })
        }
        if numbers.count > Self.hashThreshold {
            numberSet = Set(numbers)
        }
    }

    @inline(__always)
    func contains(_ value: JSONValue?) -> Bool {
        guard let value else { return containsNull }
        switch value {
        case .string(let string):
            if let stringBuckets {
                guard let bucket = stringBuckets[string] else { break }
                for candidate in bucket where ValueSemantics.bytesEqual(candidate, string) { return true }
                break
            }
            for candidate in strings where ValueSemantics.bytesEqual(candidate, string) { return true }
        case .number(let number):
            if let numberSet { if numberSet.contains(number) { return true } }
            else { for candidate in numbers where candidate == number { return true } }
        case .null:
            if containsNull { return true }
        case .bool(let bool):
            if bool ? containsTrue : containsFalse { return true }
        case .array, .object:
            break
        }
        for literal in others where ValueSemantics.equals(value, literal) { return true }
        return false
    }
}
