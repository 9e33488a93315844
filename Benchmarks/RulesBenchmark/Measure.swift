import Foundation
import MallocCounter

/// Timing in batches: per-evaluation nanoseconds of each batch, then median and p99 over batches.
enum Measure {
    struct Result {
        var median: Double
        var p99: Double
        var min: Double
        var allocationsPerEvaluation: Double
    }

    static func run(batches: Int, perBatch: Int, _ body: () -> Bool) -> Result {
        var sink = 0
        for _ in 0..<(perBatch * 10) where body() { sink &+= 1 }  // warm-up
        var samples: [Double] = []
        samples.reserveCapacity(batches)
        var allocations: UInt64 = 0
        for _ in 0..<batches {
            let before = malloc_counter_allocations()
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<perBatch where body() { sink &+= 1 }
            let end = DispatchTime.now().uptimeNanoseconds
            allocations &+= malloc_counter_allocations() &- before
            samples.append(Double(end - start) / Double(perBatch))
        }
        if sink == -1 { print(sink) }
        samples.sort()
        return Result(
            median: samples[samples.count / 2],
            p99: samples[min(samples.count - 1, samples.count * 99 / 100)],
            min: samples[0],
            allocationsPerEvaluation: Double(allocations) / Double(batches * perBatch))
    }
}
