/// The literal list of `$in`/`$nin`, split by type for fast membership tests.
/// A class so that evaluation copies one reference, not five collections (fewer retains);
/// immutable after `init`, hence `Sendable`.
final class MemberSet: Sendable {
    /// The list contains null: missing and null values are members.
    let containsNull: Bool
    let containsFalse: Bool
    let containsTrue: Bool
    let strings: [String]
    /// For long lists: strings bucketed by Swift string equality (canonical equivalence),
    /// each bucket holding the byte-distinct literals; membership is then checked byte-wise.
    let stringBuckets: [String: [String]]?
    let numbers: [JSONNumber]
    let numberSet: Set<JSONNumber>?
    /// Arrays, objects and date-times.
    let others: [RuleLiteral]

    static let hashThreshold = 8

    init(_ literals: [RuleLiteral]) {
        var containsNull = false, containsFalse = false, containsTrue = false
        var strings: [String] = [], numbers: [JSONNumber] = [], others: [RuleLiteral] = []
        for literal in literals {
            switch literal {
            case .value(.null): containsNull = true
            case .value(.bool(let value)): if value { containsTrue = true } else { containsFalse = true }
            case .value(.string(let value)): strings.append(value)
            case .value(.number(let value)): numbers.append(value)
            default: others.append(literal)
            }
        }
        self.containsNull = containsNull
        self.containsFalse = containsFalse
        self.containsTrue = containsTrue
        self.strings = strings
        self.numbers = numbers
        self.others = others
        stringBuckets = strings.count > Self.hashThreshold ? Dictionary(grouping: strings, by: { $0 }) : nil
        numberSet = numbers.count > Self.hashThreshold ? Set(numbers) : nil
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
