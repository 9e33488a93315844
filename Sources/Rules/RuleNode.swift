/// A node of a condition's syntax tree (public and `Hashable` so normalised trees can be
/// inspected, indexed and shared).
///
/// Semantics are MongoDB's: a document matches `.field` when the field test matches (with
/// implicit array traversal), `.and`/`.or` combine, `.nor` is "none matches", `.not` negates a
/// whole sub-condition (MongoDB's field-level `$not` is `.not` around that field's tests).
public indirect enum RuleNode: Sendable, Hashable {
    /// Always true or always false (`{}` is `.constant(true)`).
    case constant(Bool)
    /// All children match (`$and`, or several fields/operators in one object).
    case and([RuleNode])
    /// At least one child matches (`$or`).
    case or([RuleNode])
    /// No child matches (`$nor`).
    case nor([RuleNode])
    /// The child does not match (field-level `$not`, Marquee's top-level `$not`).
    case not(RuleNode)
    /// One operator applied to one field path.
    case field(FieldPredicate)
}

/// One operator applied to the values found at a field path.
public struct FieldPredicate: Sendable, Hashable {
    /// The dotted field path.
    public var path: FieldPath
    /// The operator and its argument.
    public var test: FieldTest
    /// JSON pointer of the field in the source condition (used by explanations).
    /// Not part of equality or hashing, so identical predicates from different conditions are equal.
    public var origin: String

    /// Creates a predicate.
    public init(path: FieldPath, test: FieldTest, origin: String = "") {
        self.path = path
        self.test = test
        self.origin = origin
    }

    public static func == (lhs: FieldPredicate, rhs: FieldPredicate) -> Bool {
        lhs.path == rhs.path && lhs.test == rhs.test
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(path)
        hasher.combine(test)
    }
}

/// An operator of a field predicate and its argument.
public indirect enum FieldTest: Sendable, Hashable {
    /// `$eq` (also the implicit `{"field": value}`).
    case eq(RuleLiteral)
    /// `$ne`: no value at the path equals the literal (matches a missing field).
    case ne(RuleLiteral)
    /// `$gt`
    case gt(RuleLiteral)
    /// `$gte`
    case gte(RuleLiteral)
    /// `$lt`
    case lt(RuleLiteral)
    /// `$lte`
    case lte(RuleLiteral)
    /// `$in`
    case `in`([RuleLiteral])
    /// `$nin`: no value at the path is in the list.
    case nin([RuleLiteral])
    /// Marquee's `$between`: inclusive `[low, high]`, same as `$gte` low and `$lte` high.
    case between(RuleLiteral, RuleLiteral)
    /// `$exists`
    case exists(Bool)
    /// `$size`: the value is an array of exactly this many elements.
    case size(Int)
    /// `$all` of plain values: the field equals each of them (empty: never matches).
    case all([RuleLiteral])
    /// `$elemMatch`: the value is an array with an element matching the sub-condition.
    case elemMatch(ElemMatch)
}

/// The argument of `$elemMatch`.
public enum ElemMatch: Sendable, Hashable {
    /// Operator form (`{"$elemMatch": {"$gte": 80, "$lt": 85}}`): the sub-condition's field
    /// predicates have an empty path and apply to the element itself.
    case value(RuleNode)
    /// Query form (`{"$elemMatch": {"sku": "A", "quantity": {"$gte": 2}}}`): the element must be
    /// a document (an array element counts as a document keyed "0", "1", …) matching the sub-condition.
    case document(RuleNode)
}

/// A literal in a condition.
public enum RuleLiteral: Sendable, Hashable {
    /// A JSON value (plain, or from a STRING/BOOLEAN/INTEGER/DECIMAL typed literal).
    case value(JSONValue)
    /// A DATETIME typed literal; compares with document strings holding RFC 3339 timestamps.
    case dateTime(RuleDateTime)
}
