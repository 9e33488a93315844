/// A condition compiled for evaluation: field paths split once, literals specialised by type,
/// `$in` lists turned into lookup tables. `matches` does not allocate and short-circuits.
public struct CompiledCondition: Sendable {
    let program: Program

    init(normalized root: RuleNode) {
        program = Program.compile(root)
    }

    /// Whether the document matches (MongoDB semantics).
    public func matches(_ document: JSONValue) -> Bool {
        program.matches(document)
    }

    /// Evaluates with a trace: for a false condition, the leaves that failed and the values found.
    public func explain(_ document: JSONValue) -> Explanation {
        var failures: [Explanation.Failure] = []
        let matched = program.explain(document, into: &failures)
        return Explanation(matched: matched, failures: matched ? [] : failures)
    }
}
