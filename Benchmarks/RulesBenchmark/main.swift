// RulesBenchmark: compiled evaluation of a 20-leaf condition over a 100-line cart.
//
//     swift run -c release RulesBenchmark
//
// Prints ns per evaluation (median and p99 over batches) and heap allocations per evaluation
// (counted by the MallocCounter C target's malloc wrappers), for the prepared-document path
// (the hot path: `CompiledCondition.matches(PreparedDocument)`), the plain `JSONValue` path,
// the one-off cost of preparing the cart, and a line-level condition on one prepared line.
import Foundation
import MallocCounter
import Rules

let cart = BenchmarkData.cart(lines: 100)
let scenarios: [(name: String, condition: JSONValue, expected: Bool)] = [
    ("20 leaves, all true (no short-circuit)", BenchmarkData.matchingCondition, true),
    ("20 leaves, fails on last line scan", BenchmarkData.failingCondition, false),
]
// As in Pricing, conditions are compiled (promotion snapshot) before documents are prepared (per
// price call): a document prepared earlier still evaluates correctly, but resolves the keys that
// were new to the key interner by name (slower).
let compiledScenarios = try scenarios.map { try Condition(parsing: $0.condition).compile() }
let lineCondition = try Condition(parsing: ["category": "beauty", "quantity": ["$gte": 3], "brand": ["$in": ["acme", "umbrella"]]]).compile()
let prepared = PreparedDocument(cart)

func format(_ result: Measure.Result, per unit: String = "eval", scale: Double = 1) -> String {
    func ns(_ value: Double) -> String { String(format: "%.0f", value / scale) }
    return "median \(ns(result.median)) ns/\(unit), p99 \(ns(result.p99)), min \(ns(result.min)) "
        + "(thread CPU time: median \(ns(result.cpuMedian)), p99 \(ns(result.cpuP99))), "
        + "allocations/\(unit) \(String(format: "%.3f", result.allocationsPerEvaluation / scale))"
}

print("RulesBenchmark — cart with \(100) lines (\(prepared.nodeCount) prepared nodes); \(ProcessInfo.processInfo.activeProcessorCount) cores")
for (scenario, compiled) in zip(scenarios, compiledScenarios) {
    let condition = try Condition(parsing: scenario.condition)
    let leaves = BenchmarkData.leafCount(condition.root)
    if compiled.matches(cart) != scenario.expected || compiled.matches(prepared) != scenario.expected {
        FileHandle.standardError.write(Data("\(compiled.explain(cart))\n".utf8))
        fatalError("benchmark condition gives the wrong result")
    }
    precondition(condition.evaluate(cart) == scenario.expected)
    precondition(compiled.explain(prepared) == compiled.explain(cart))
    let fast = Measure.run(batches: 2_000, perBatch: 200) { compiled.matches(prepared) }
    let plain = Measure.run(batches: 200, perBatch: 50) { compiled.matches(cart) }
    print("""
        \(scenario.name): \(leaves) leaves
          prepared document: \(format(fast))
          JSONValue:         \(format(plain))
        """)
}

// Preparing the cart (once per price call in Pricing).
let preparation = Measure.run(batches: 500, perBatch: 20) { PreparedDocument(cart).nodeCount > 0 }
print("prepare 100-line cart (\(prepared.byteCount) bytes): \(format(preparation, per: "prepare"))")

// A line-level condition against one element of the prepared `lines` array (Pricing's targets).
let lineNodes = prepared.elements(of: prepared.member("lines", of: prepared.root)!)
let lineMatches = lineNodes.filter { lineCondition.matches(prepared, at: $0) }.count
precondition(lineMatches == cart["lines"].map { lines -> Int in
    guard case .array(let elements) = lines else { return 0 }
    return elements.filter(lineCondition.matches).count
} ?? -1)
let perLine = Measure.run(batches: 500, perBatch: 20) {
    var any = false
    for line in lineNodes where lineCondition.matches(prepared, at: line) { any = true }
    return any
}
print("3-leaf line condition on each of 100 prepared lines (\(lineMatches) match): \(format(perLine, per: "line", scale: 100))")

// Reference: the un-compiled AST interpreter on the same input.
let reference = try Condition(parsing: BenchmarkData.matchingCondition)
let slow = Measure.run(batches: 200, perBatch: 50) { reference.evaluate(cart) }
print("AST interpreter (reference, not the hot path): median \(String(format: "%.0f", slow.median)) ns/eval, allocations/eval \(String(format: "%.1f", slow.allocationsPerEvaluation))")
