/// A condition compiled for evaluation: field paths split once, literals specialised by type,
/// `$in` lists turned into lookup tables. `matches` does not allocate and short-circuits.
///
/// Two evaluation forms share one compilation: over a ``JSONValue`` (walks the value's
/// dictionaries) and over a ``PreparedDocument`` (paths resolved as interned key ids over a
/// flat arena — the fast form when several conditions are evaluated on one document).
public struct CompiledCondition: Sendable {
    let program: Program
    let prepared: PreparedProgram

    init(normalized root: RuleNode) {
        program = Program.compile(root)
        prepared = PreparedProgram(program)
    }

    /// Whether the document matches (MongoDB semantics).
    public func matches(_ document: JSONValue) -> Bool {
        program.matches(document)
    }

    /// Evaluates with a trace: for a false condition, the leaves that failed and the values found.
    public func explain(_ document: JSONValue) -> Explanation {
        program.explanation(document)
    }

    /// Whether the prepared document matches (same result as `matches(_: JSONValue)` on the
    /// document it was prepared from). No allocation, no reference counting.
    public func matches(_ document: PreparedDocument) -> Bool {
        evaluate(document.storage, 0)
    }

    /// Whether the value at `node` of a prepared document, taken as the document, matches — e.g.
    /// a line-level condition against one element of the cart's `lines` array.
    public func matches(_ document: PreparedDocument, at node: PreparedDocument.NodeID) -> Bool {
        let storage = document.storage
        precondition(Int(node.raw) < storage.nodes.count, "NodeID from another document")
        return evaluate(storage, node.raw)
    }

    /// `explain(_: JSONValue)` over a prepared document.
    public func explain(_ document: PreparedDocument) -> Explanation {
        explain(document, at: document.root)
    }

    /// `explain(_: JSONValue)` over the value at `node` of a prepared document.
    public func explain(_ document: PreparedDocument, at node: PreparedDocument.NodeID) -> Explanation {
        let storage = document.storage
        precondition(Int(node.raw) < storage.nodes.count, "NodeID from another document")
        let program = prepared
        return withExtendedLifetime((program, storage)) {
            var failures: [Explanation.Failure] = []
            let matched = Machine(program, storage).explain(program.root, node.raw, into: &failures)
            return Explanation(matched: matched, failures: matched ? [] : failures)
        }
    }

    @inline(__always)
    func evaluate(_ storage: PreparedStorage, _ root: UInt32) -> Bool {
        let program = prepared
        return withExtendedLifetime((program, storage)) {
            Machine(program, storage).eval(program.root, root)
        }
    }
}
