import Testing
@testable import Rules

@Suite struct NormalizationPropertyTests {
    /// Random conditions × random documents: the AST, the normalised AST, the compiled form over
    /// the `JSONValue`, the compiled form over a `PreparedDocument` (prepared after compilation,
    /// and prepared before it — the late-interned-key path), and the re-parsed canonical JSON all
    /// agree; explanations agree between both compiled forms; normalisation is idempotent.
    /// Odd seeds use field names no other test uses, so the early-prepared documents really
    /// resolve those keys by name.
    @Test(arguments: 0..<8)
    func normalisationNeverChangesTheResult(seed: UInt64) throws {
        var random = RandomConditions(seed: seed &* 7919 &+ 1, keyPrefix: seed % 2 == 1 ? "property\(seed)_" : "")
        let documents = (0..<40).map { _ in random.document() }
        let preparedEarly = documents.map(PreparedDocument.init)
        var checked = 0
        for _ in 0..<250 {
            let source = random.condition(depth: 3)
            guard let condition = try? Condition(parsing: source) else { continue }
            let normalized = condition.normalized()
            let compiled = condition.compile()
            let reparsed = try Condition(parsing: normalized.json)
            #expect(reparsed.normalized() == normalized, "idempotent: \(source.jsonText) → \(normalized.json.jsonText)")
            for (document, early) in zip(documents, preparedEarly) {
                let prepared = PreparedDocument(document)
                let expected = condition.evaluate(document)
                let viaNormalized = normalized.evaluate(document)
                let viaCompiled = compiled.matches(document)
                let viaPrepared = compiled.matches(prepared)
                let viaEarly = compiled.matches(early)
                let viaReparsed = reparsed.evaluate(document)
                let explanation = compiled.explain(document)
                let preparedExplanation = compiled.explain(prepared)
                let earlyExplanation = compiled.explain(early)
                if expected != viaNormalized || expected != viaCompiled || expected != viaReparsed
                    || expected != explanation.matched || expected != viaPrepared || expected != viaEarly
                    || preparedExplanation != explanation || earlyExplanation != explanation {
                    Issue.record("""
                        mismatch for \(source.jsonText) normalised \(normalized.json.jsonText) on \(document.jsonText): \
                        ast=\(expected) normalised=\(viaNormalized) compiled=\(viaCompiled) reparsed=\(viaReparsed) \
                        explain=\(explanation.matched) prepared=\(viaPrepared) preparedEarly=\(viaEarly) \
                        explanations equal: \(preparedExplanation == explanation) \(earlyExplanation == explanation)
                        """)
                    return
                }
                checked += 1
            }
        }
        #expect(checked > 4_000)
    }

    /// Conditions on one element of an array: `matches(_:at:)` on a prepared node equals
    /// `matches` on that element's `JSONValue` (including array and scalar elements).
    @Test(arguments: 0..<4)
    func evaluationAtANodeEqualsEvaluationOfTheValue(seed: UInt64) throws {
        var random = RandomConditions(seed: seed &+ 1_000)
        let elements = (0..<30).map { _ in random.chance(70) ? random.document() : random.value(depth: 3) }
        let prepared = PreparedDocument(["items": .array(elements)])
        let nodes = prepared.elements(of: prepared.member("items", of: prepared.root)!)
        #expect(nodes.count == elements.count)
        for (node, element) in zip(nodes, elements) { #expect(prepared.value(of: node) == element) }
        var checked = 0
        for _ in 0..<150 {
            guard let condition = try? Condition(parsing: random.condition(depth: 3)) else { continue }
            checked += 1
            let compiled = condition.compile()
            for (node, element) in zip(nodes, elements) {
                let expected = condition.evaluate(element)
                #expect(compiled.matches(prepared, at: node) == expected)
                #expect(compiled.explain(prepared, at: node) == compiled.explain(element))
            }
        }
        #expect(checked >= 100)  // seeded: 150
    }
}
