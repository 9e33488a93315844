import Foundation
import Testing
@testable import Rules

/// What a hostile condition or document can make Marquee write back (found by review: a 0.5 MB
/// request answered 160 MB of explanation, a 1 MB one an 85 MB error).
@Suite struct OutputBoundsTests {
    @Test func explanationsKeepAHundredFailuresWithAbbreviatedValues() throws {
        let branches = (0..<150).map { #"{"x": {"$gt": "z\#($0)"}}"# }.joined(separator: ", ")  // not merged into one $in
        let condition = try Condition(parsing: json(#"{"$or": [\#(branches)]}"#))
        let document = JSONValue.object(["x": .array((0..<1000).map { .string("a\($0)") })])
        let explanation = condition.evaluateOnce(document, explain: true)
        #expect(!explanation.matched && explanation.failures.count == Explanation.maxFailures)
        guard case .array(let found)? = explanation.failures.first?.found else { Issue.record("found is not an array"); return }
        #expect(found.count == 11 && found.last == .string("… 990 more"))
        #expect(explanation == condition.compile().explain(document))
    }

    @Test func abbreviationKeepsSmallValuesAndShortensLargeOnes() {
        let small: JSONValue = ["a": 1, "b": [1, 2, 3], "c": "text"]
        #expect(small.abbreviated() == small)
        let long = JSONValue.string(String(repeating: "x", count: 5000))
        guard case .string(let text) = long.abbreviated() else { Issue.record("not a string"); return }
        #expect(text.hasPrefix(String(repeating: "x", count: 256) + "…") && text.count < 300)
        var deep: JSONValue = 1
        for _ in 0..<10 { deep = .array([deep]) }
        #expect(deep.abbreviated(depth: 2) == .array([.array([.string("[… 1 elements]")])]))
    }

    @Test func anOverlongFieldNameIsReportedByItsStartAndNotEntered() throws {
        let key = String(repeating: "k", count: 100_000)
        let children = (0..<200).map { #""c\#($0)": 1"# }.joined(separator: ", ")
        let error = #expect(throws: RuleErrors.self) { try Condition(parsing: json(#"{"\#(key)": {\#(children)}}"#)) }
        let paths = error?.issues.map(\.path) ?? []
        #expect(paths.count == 1 && paths.allSatisfy { $0.utf8.count < 100 }, "\(paths.map { $0.prefix(80) })")
    }
}
