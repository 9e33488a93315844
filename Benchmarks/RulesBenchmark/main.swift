// RulesBenchmark: compiled evaluation of a 20-leaf condition over a 100-line cart.
//
//     swift run -c release RulesBenchmark
//
// Prints ns per evaluation (median and p99 over batches) and heap allocations per evaluation
// (counted by the MallocCounter C target's malloc wrappers).
import Foundation
import MallocCounter
import Rules

let cart = BenchmarkData.cart(lines: 100)
let scenarios: [(name: String, condition: JSONValue, expected: Bool)] = [
    ("20 leaves, all true (no short-circuit)", BenchmarkData.matchingCondition, true),
    ("20 leaves, fails on last line scan", BenchmarkData.failingCondition, false),
]

print("RulesBenchmark — cart with \(100) lines; \(ProcessInfo.processInfo.activeProcessorCount) cores")
for scenario in scenarios {
    let condition = try Condition(parsing: scenario.condition)
    let leaves = BenchmarkData.leafCount(condition.root)
    let compiled = condition.compile()
    if compiled.matches(cart) != scenario.expected {
        FileHandle.standardError.write(Data("\(compiled.explain(cart))\n".utf8))
        fatalError("benchmark condition gives the wrong result")
    }
    precondition(condition.evaluate(cart) == scenario.expected)
    let result = Measure.run(batches: 2_000, perBatch: 200) { compiled.matches(cart) }
    print("""
        \(scenario.name): \(leaves) leaves
          median \(String(format: "%.0f", result.median)) ns/eval, p99 \(String(format: "%.0f", result.p99)) ns/eval, \
        min \(String(format: "%.0f", result.min)) ns/eval, allocations/eval \(String(format: "%.3f", result.allocationsPerEvaluation))
        """)
}

// Reference: the un-compiled AST interpreter on the same input.
let reference = try Condition(parsing: BenchmarkData.matchingCondition)
let slow = Measure.run(batches: 200, perBatch: 50) { reference.evaluate(cart) }
print("AST interpreter (reference, not the hot path): median \(String(format: "%.0f", slow.median)) ns/eval, allocations/eval \(String(format: "%.1f", slow.allocationsPerEvaluation))")
