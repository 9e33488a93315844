import Rules

/// A `target` condition compiled to read a ``Cart/Line``'s typed fields directly, so the common
/// targets (`{"brand": "acme", "unitPrice": {"$gte": 20}}`, `{"quantity": {"$gte": 2}}`, `$or` of
/// categories) are evaluated without building a JSON document per line.
///
/// Only a subset compiles (`$and`, `$or`, and `$eq`/`$in`/`$gt`/`$gte`/`$lt`/`$lte`/`$between`
/// with string or number literals on `id`, `sku`, `category`, `brand`, `quantity`, `unitPrice`,
/// `subtotal`); anything else is evaluated by the rules engine. Semantics are MongoDB's, as in
/// the rules engine: strings compare byte-wise, numbers exactly, values of different types never
/// match, a missing field matches none of these operators. A property test checks that both
/// evaluators agree.
indirect enum LinePredicate: Sendable {
    case constant(Bool)
    case and([LinePredicate])
    case or([LinePredicate])
    case text(TextField, TextTest)
    case number(NumberField, NumberTest)

    enum TextField: Sendable { case id, sku, category, brand }
    enum NumberField: Sendable { case quantity, unitPrice, subtotal }

    enum TextTest: Sendable {
        /// Accepted values as UTF-8 bytes (byte-wise equality).
        case oneOf([[UInt8]])
        /// Ordering against string literals; a number literal makes the test always false.
        case compare(lower: (bound: [UInt8], inclusive: Bool)?, upper: (bound: [UInt8], inclusive: Bool)?)
        case never
    }

    enum NumberTest: Sendable {
        case oneOf([JSONNumber])
        case compare(lower: (bound: JSONNumber, inclusive: Bool)?, upper: (bound: JSONNumber, inclusive: Bool)?)
        case never
    }

    /// Compiles a normalised target, or `nil` when it uses anything outside the subset.
    static func compile(_ node: RuleNode) -> LinePredicate? {
        switch node {
        case .constant(let value):
            return .constant(value)
        case .and(let children):
            let compiled = children.compactMap(compile)
            return compiled.count == children.count ? .and(compiled) : nil
        case .or(let children):
            let compiled = children.compactMap(compile)
            return compiled.count == children.count ? .or(compiled) : nil
        case .nor, .not:
            return nil
        case .field(let predicate):
            guard predicate.path.segments.count == 1 else { return nil }
            switch predicate.path.segments[0] {
            case "id": return textTest(predicate.test).map { .text(.id, $0) }
            case "sku": return textTest(predicate.test).map { .text(.sku, $0) }
            case "category": return textTest(predicate.test).map { .text(.category, $0) }
            case "brand": return textTest(predicate.test).map { .text(.brand, $0) }
            case "quantity": return numberTest(predicate.test).map { .number(.quantity, $0) }
            case "unitPrice": return numberTest(predicate.test).map { .number(.unitPrice, $0) }
            case "subtotal": return numberTest(predicate.test).map { .number(.subtotal, $0) }
            default: return nil
            }
        }
    }

    /// The literals of a test in the native subset, and its kind (0 = oneOf, 1 = gt, 2 = gte,
    /// 3 = lt, 4 = lte, 5 = between); `nil` outside the subset.
    private static func literals(of test: FieldTest) -> (literals: [JSONValue], kind: Int)? {
        let literals: [JSONValue]
        var kind = 0
        switch test {
        case .eq(let literal): literals = [literal].compactMap(\.plainValue); if literals.isEmpty { return nil }  // DATETIME
        case .in(let list): literals = list.compactMap(\.plainValue); if literals.count != list.count { return nil }
        case .gt(let literal): literals = [literal].compactMap(\.plainValue); kind = 1
        case .gte(let literal): literals = [literal].compactMap(\.plainValue); kind = 2
        case .lt(let literal): literals = [literal].compactMap(\.plainValue); kind = 3
        case .lte(let literal): literals = [literal].compactMap(\.plainValue); kind = 4
        case .between(let low, let high): literals = [low, high].compactMap(\.plainValue); kind = 5; if literals.count != 2 { return nil }
        default: return nil
        }
        if literals.isEmpty && kind != 0 { return nil }
        // Only strings and numbers: null, booleans, arrays and objects have subtler semantics.
        for literal in literals {
            switch literal {
            case .string, .number: continue
            default: return nil
            }
        }
        return (literals, kind)
    }

    /// `test` on a text field, natively; `nil` outside the subset.
    static func textTest(_ test: FieldTest) -> TextTest? {
        guard let (literals, kind) = literals(of: test).map({ ($0.literals, $0.kind) }) else { return nil }
        let strings = literals.compactMap { if case .string(let text) = $0 { Array(text.utf8) } else { nil } }
        if kind == 0 { return .oneOf(strings) }
        guard strings.count == literals.count else { return .never }
        return compareTest(kind, strings)
    }

    /// `test` on a number field, natively; `nil` outside the subset.
    static func numberTest(_ test: FieldTest) -> NumberTest? {
        guard let (literals, kind) = literals(of: test).map({ ($0.literals, $0.kind) }) else { return nil }
        let numbers = literals.compactMap { if case .number(let number) = $0 { number } else { nil } }
        if kind == 0 { return .oneOf(numbers) }
        guard numbers.count == literals.count else { return .never }
        return compareTest(kind, numbers)
    }

    private static func compareTest(_ kind: Int, _ values: [[UInt8]]) -> TextTest {
        switch kind {
        case 1: .compare(lower: (values[0], false), upper: nil)
        case 2: .compare(lower: (values[0], true), upper: nil)
        case 3: .compare(lower: nil, upper: (values[0], false))
        case 4: .compare(lower: nil, upper: (values[0], true))
        default: .compare(lower: (values[0], true), upper: (values[1], true))
        }
    }

    private static func compareTest(_ kind: Int, _ values: [JSONNumber]) -> NumberTest {
        switch kind {
        case 1: .compare(lower: (values[0], false), upper: nil)
        case 2: .compare(lower: (values[0], true), upper: nil)
        case 3: .compare(lower: nil, upper: (values[0], false))
        case 4: .compare(lower: nil, upper: (values[0], true))
        default: .compare(lower: (values[0], true), upper: (values[1], true))
        }
    }

    /// Whether `line` (amounts in `currency`) matches. Takes a pointer: the line is read field
    /// by field in place (passing the struct, even `borrowing`, copied it and retained all its
    /// strings).
    func matches(_ line: UnsafePointer<Cart.Line>, exponent: Int) -> Bool {
        switch self {
        case .constant(let value):
            return value
        case .and(let children):
            for child in children where !child.matches(line, exponent: exponent) { return false }
            return true
        case .or(let children):
            for child in children where child.matches(line, exponent: exponent) { return true }
            return false
        case .text(let field, let test):
            let value: String? = switch field {
            case .id: line.pointee.id
            case .sku: line.pointee.sku
            case .category: line.pointee.category
            case .brand: line.pointee.brand
            }
            return test.matches(value)
        case .number(let field, let test):
            let value: JSONNumber = switch field {
            case .quantity: JSONNumber(line.pointee.quantity)
            case .unitPrice: JSONNumber(units: line.pointee.unitPrice.minorUnits, scale: exponent)
            case .subtotal: JSONNumber(units: line.pointee.subtotalMinorUnits, scale: exponent)
            }
            return test.matches(value)
        }
    }

    /// Byte-wise (code point) ordering of `value` against `bound`: -1, 0, 1.
    static func compareBytes(_ value: String, _ bound: [UInt8]) -> Int {
        var left = value.utf8.makeIterator()
        var right = bound.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case (let a?, let b?): if a != b { return a < b ? -1 : 1 }
            }
        }
    }
}

extension RuleLiteral {
    /// The JSON value of a plain literal (`nil` for a DATETIME literal).
    var plainValue: JSONValue? {
        if case .value(let value) = self { return value }
        return nil
    }
}

extension LinePredicate.TextTest {
    /// Whether a text field with this value matches (a missing field matches nothing).
    func matches(_ value: String?) -> Bool {
        guard let value else { return false }
        switch self {
        case .never:
            return false
        case .oneOf(let accepted):
            var value = value
            return value.withUTF8 { bytes in
                accepted.contains { $0.count == bytes.count && $0.withUnsafeBufferPointer { $0.elementsEqual(bytes) } }
            }
        case .compare(let lower, let upper):
            if let lower {
                let order = LinePredicate.compareBytes(value, lower.bound)
                if order < 0 || (order == 0 && !lower.inclusive) { return false }
            }
            if let upper {
                let order = LinePredicate.compareBytes(value, upper.bound)
                if order > 0 || (order == 0 && !upper.inclusive) { return false }
            }
            return true
        }
    }
}

extension LinePredicate.NumberTest {
    /// Whether a number field with this value matches.
    func matches(_ value: JSONNumber) -> Bool {
        switch self {
        case .never:
            return false
        case .oneOf(let accepted):
            return accepted.contains(value)
        case .compare(let lower, let upper):
            if let lower, value < lower.bound || (value == lower.bound && !lower.inclusive) { return false }
            if let upper, upper.bound < value || (value == upper.bound && !upper.inclusive) { return false }
            return true
        }
    }
}
