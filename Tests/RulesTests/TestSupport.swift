import Foundation
@testable import Rules

/// Parses JSON text (test helper; crashes the test on invalid input).
func json(_ text: String) -> JSONValue {
    do { return try JSONValue(parsing: text) } catch { fatalError("bad test JSON \(text): \(error)") }
}

/// Evaluates a condition five ways (AST, normalised AST, compiled over the `JSONValue`, compiled
/// over a document prepared before and after compilation) for the caller to compare.
func evaluateAllWays(_ condition: String, _ document: String) throws
    -> (reference: Bool, normalized: Bool, compiled: Bool, prepared: Bool, preparedEarly: Bool)
{
    let doc = json(document)
    // Prepared before the condition is compiled: keys new to the interner resolve by name.
    let early = PreparedDocument(doc)
    let parsed = try Condition(parsing: json(condition))
    let compiled = parsed.compile()
    return (parsed.evaluate(doc), parsed.normalized().evaluate(doc), compiled.matches(doc),
            compiled.matches(PreparedDocument(doc)), compiled.matches(early))
}

/// A deterministic pseudo-random generator (SplitMix64) so failures reproduce.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
