import Foundation

/// A parsed condition: MongoDB query-language JSON turned into a syntax tree.
///
/// ```swift
/// let condition = try Condition(parsing: ["customer.tier": "gold", "subtotal": ["$gte": 50]])
/// let compiled = condition.compile()
/// compiled.matches(cart)          // no allocation
/// compiled.explain(cart).failures // why it did not match
///
/// let prepared = PreparedDocument(cart)   // hot path: prepare once, evaluate many conditions
/// compiled.matches(prepared)
/// ```
public struct Condition: Sendable, Hashable {
    /// The syntax tree.
    public var root: RuleNode

    /// Wraps a syntax tree.
    public init(_ root: RuleNode) {
        self.root = root
    }

    /// Parses and validates a condition. Every problem is reported at once, each with a JSON
    /// pointer prefixed by `basePath` (e.g. `/trigger`).
    public init(parsing json: JSONValue, basePath: String = "", limits: RuleLimits = .default) throws(RuleErrors) {
        let unwritable = json.unwritableNumberPaths(at: basePath)
        guard unwritable.isEmpty else { throw RuleErrors(issues: unwritable.map(RuleIssue.numberOutOfRange)) }
        var parser = ConditionParser(limits: limits)
        let root = parser.parse(json, basePath: basePath)
        guard parser.issues.isEmpty, let root else {
            throw RuleErrors(issues: parser.issues)
        }
        self.root = root
    }

    /// Parses JSON text then the condition; malformed JSON is an `invalid_json` issue at `basePath`.
    public init(parsing data: Data, basePath: String = "", limits: RuleLimits = .default) throws(RuleErrors) {
        let json: JSONValue
        do {
            json = try JSONValue(parsing: data, maxDepth: max(limits.maxDepth + 1, 1))
        } catch {
            throw RuleErrors(issues: [RuleIssue(code: "invalid_json", message: error.description, path: basePath)])
        }
        try self.init(parsing: json, basePath: basePath, limits: limits)
    }

    /// The simplified equivalent condition: sugar expanded (`$between`, `$all`), negations pushed
    /// down where MongoDB semantics allow, `$and`/`$or` flattened, constants folded, duplicates
    /// removed, equalities on one field merged into `$in`, cheap predicates first.
    public func normalized() -> Condition {
        Condition(RuleNormalizer.normalize(root))
    }

    /// Canonical JSON form (parses back to an equal condition). Typed literals are used where
    /// plain JSON would lose information: DECIMAL for non-integers, DATETIME for instants.
    public var json: JSONValue { root.canonicalJSON }

    /// Compiles the normalised form for fast evaluation.
    public func compile() -> CompiledCondition {
        CompiledCondition(normalized: normalized().root)
    }

    /// Evaluates once over a plain JSON document, with a trace when `explain`: compiles only the
    /// JSON form, so the field names of an ad-hoc condition are not added to the process-wide
    /// key table that prepared documents use (`compile()` does; it is for stored promotions).
    public func evaluateOnce(_ document: JSONValue, explain: Bool) -> Explanation {
        let program = Program.compile(normalized().root)
        return explain ? program.explanation(document) : Explanation(matched: program.matches(document), failures: [])
    }

    /// Interprets the syntax tree directly (the slow reference evaluator used by tests).
    public func evaluate(_ document: JSONValue) -> Bool {
        ReferenceEvaluator.matches(root, document)
    }
}
