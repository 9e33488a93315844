import Foundation
import Testing
@testable import Rules

/// The parser decodes string bytes with the standard library; values must stay what Foundation's
/// `String(bytes:encoding: .utf8)` gave (including its dropping of a leading byte-order mark).
struct JSONStringDecodingTests {
    static func foundation(_ bytes: [UInt8]) -> String? {
        bytes.withUnsafeBufferPointer { String(bytes: $0, encoding: .utf8) }
    }

    static func parser(_ bytes: [UInt8]) -> String? {
        bytes.withUnsafeBufferPointer { JSONTextParser.string(utf8: $0) }
    }

    @Test func edgeCases() {
        let cases: [[UInt8]] = [
            [], [0x61], [0x00, 0x61], [0xEF, 0xBB, 0xBF], [0xEF, 0xBB, 0xBF, 0x61], [0x61, 0xEF, 0xBB, 0xBF],
            [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xFF],
            [0xF0, 0x9F, 0x98, 0x80], [0xEF, 0xBF, 0xBE], [0xC2, 0x80], [0x7F], [0x80], [0xEF, 0xBB],
        ]
        for bytes in cases {
            #expect(Self.parser(bytes) == Self.foundation(bytes), "\(bytes)")
        }
    }

    @Test func randomBytes() {
        var rng = SeededGenerator(seed: 11)
        let alphabet: [UInt8] = [0x00, 0x20, 0x41, 0x7F, 0x80, 0xBB, 0xBF, 0xC2, 0xC3, 0xE2, 0xEF, 0xED, 0xF0, 0xF4, 0xF8, 0xFF]
        for _ in 0..<20_000 {
            let count = Int(rng.next() % 8)
            let bytes = (0..<count).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            #expect(Self.parser(bytes) == Self.foundation(bytes), "\(bytes)")
        }
    }

    @Test func documentsParseAsBefore() throws {
        let text = "{\"\u{FEFF}k\":\"\u{FEFF}v\",\"e\":\"\\uFEFFx\",\"a\":\"é\",\"n\":[1,\"x\"]}"
        let value = try JSONValue(parsing: text)
        let viaBytes = try Array(text.utf8).withUnsafeBytes { try JSONValue(parsing: $0) }
        #expect(value == viaBytes)
        #expect(value == ["k": "v", "e": "x", "a": "é", "n": [1, "x"]])
    }
}
