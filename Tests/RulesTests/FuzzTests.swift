import Testing
import Foundation
@testable import Rules

@Suite struct FuzzTests {
    /// Random bytes: the JSON parser and the condition parser only ever throw.
    @Test func randomBytes() {
        var rng = SeededGenerator(seed: 42)
        let alphabet = Array(#"{}[]":,.-+eE0123456789truefalsn\u$ab "#.utf8) + [0x00, 0xFF, 0xC3, 0xA9, 0xED, 0xA0]
        for _ in 0..<20_000 {
            let length = Int.random(in: 0..<48, using: &rng)
            let bytes = (0..<length).map { _ in
                Bool.random(using: &rng) ? alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] : UInt8.random(in: 0...255, using: &rng)
            }
            _ = try? JSONValue(parsing: Data(bytes))
            _ = try? Condition(parsing: Data(bytes))
        }
    }

    /// Mutated valid conditions (byte flips, truncations, duplications) and random JSON values.
    @Test func mutatedConditionsAndRandomJSON() throws {
        var random = RandomConditions(seed: 7)
        var rng = SeededGenerator(seed: 99)
        var parsedMutations = 0, parsedValues = 0
        for _ in 0..<3_000 {
            var bytes = Array(random.condition(depth: 3).jsonText.utf8)
            for _ in 0..<Int.random(in: 1...3, using: &rng) where !bytes.isEmpty {
                let index = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes[index] = UInt8.random(in: 0...255, using: &rng)
                case 1: bytes.removeSubrange(index...)
                default: bytes.insert(contentsOf: bytes[index...].prefix(8), at: index)
                }
            }
            if let condition = try? Condition(parsing: Data(bytes)) {
                parsedMutations += 1
                let compiled = condition.compile()
                let document = random.document()
                let expected = condition.evaluate(document)
                #expect(compiled.matches(document) == expected)
                #expect(compiled.matches(PreparedDocument(document)) == expected)
            }
            // Arbitrary JSON where a condition is expected.
            let value = random.value(depth: 4)
            if let condition = try? Condition(parsing: value) {
                parsedValues += 1
                let document = random.document()
                let compiled = condition.compile()
                #expect(compiled.explain(PreparedDocument(document)) == compiled.explain(document))
            }
        }
        #expect(parsedMutations >= 20 && parsedValues >= 300)  // seeded: 30 and 632 did compare
    }

    /// Strings without anything to escape are written whole (a fast path): both paths give the
    /// exact text, and canonically equivalent strings keep their own bytes.
    @Test func stringsAreWrittenExactly() {
        #expect(JSONValue.string("plain é 😀").jsonText.utf8.elementsEqual("\"plain é 😀\"".utf8))
        #expect(JSONValue.string("cafe\u{301}").jsonText.utf8.elementsEqual("\"cafe\u{301}\"".utf8))
        #expect(JSONValue.string("\u{212A}").jsonText.utf8.elementsEqual("\"\u{212A}\"".utf8))
        #expect(JSONValue.string("a\"b\\c\nd\re\tf\u{1}g").jsonText == #""a\"b\\c\nd\re\tf\u0001g""#)
        #expect(JSONValue.array(["x", "y\u{1F}", ["k\"": "v"]]).jsonText == #"["x","y\u001f",{"k\"":"v"}]"#)
    }

    @Test func jsonRoundTrip() throws {
        var random = RandomConditions(seed: 3)
        for _ in 0..<2_000 {
            let value = random.value(depth: 4)
            #expect(try JSONValue(parsing: value.jsonText) == value)
        }
        #expect(try JSONValue(parsing: #""\ud83d\ude00 \u00e9\n""#) == .string("😀 é\n"))
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: #""\ud83d""#) }
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: Data([0x22, 0xFF, 0x22])) }
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: "[1,]") }
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: String(repeating: "[", count: 100_000)) }
    }
}
