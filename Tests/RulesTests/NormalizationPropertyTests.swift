import Testing
@testable import Rules

@Suite struct NormalizationPropertyTests {
    /// Random conditions × random documents: the AST, the normalised AST, the compiled form and
    /// the re-parsed canonical JSON all agree; normalisation is idempotent.
    @Test(arguments: 0..<8)
    func normalisationNeverChangesTheResult(seed: UInt64) throws {
        var random = RandomConditions(seed: seed &* 7919 &+ 1)
        let documents = (0..<40).map { _ in random.document() }
        var checked = 0
        for _ in 0..<250 {
            let source = random.condition(depth: 3)
            guard let condition = try? Condition(parsing: source) else { continue }
            let normalized = condition.normalized()
            let compiled = condition.compile()
            let reparsed = try Condition(parsing: normalized.json)
            #expect(reparsed.normalized() == normalized, "idempotent: \(source.jsonText) → \(normalized.json.jsonText)")
            for document in documents {
                let expected = condition.evaluate(document)
                let viaNormalized = normalized.evaluate(document)
                let viaCompiled = compiled.matches(document)
                let viaReparsed = reparsed.evaluate(document)
                let explained = compiled.explain(document).matched
                if expected != viaNormalized || expected != viaCompiled || expected != viaReparsed || expected != explained {
                    Issue.record("""
                        mismatch for \(source.jsonText) normalised \(normalized.json.jsonText) on \(document.jsonText): \
                        ast=\(expected) normalised=\(viaNormalized) compiled=\(viaCompiled) reparsed=\(viaReparsed) explain=\(explained)
                        """)
                    return
                }
                checked += 1
            }
        }
        #expect(checked > 4_000)
    }
}
