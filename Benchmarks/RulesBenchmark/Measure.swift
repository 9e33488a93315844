import Foundation
import MallocCounter

/// Timing in batches: per-evaluation nanoseconds of each batch, then median and p99 over batches.
/// Wall-clock time, plus the thread's CPU time (which excludes time the thread was preempted:
/// on a shared 2-core machine, the wall-clock p99 mostly measures the neighbours).
enum Measure {
    struct Result {
        var median: Double
        var p99: Double
        var min: Double
        var cpuMedian: Double
        var cpuP99: Double
        var allocationsPerEvaluation: Double
    }

    static func threadCPUNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    static func run(batches: Int, perBatch: Int, _ body: () -> Bool) -> Result {
        var sink = 0
        for _ in 0..<(perBatch * 10) where body() { sink &+= 1 }  // warm-up
        var samples: [Double] = []
        var cpuSamples: [Double] = []
        samples.reserveCapacity(batches)
        cpuSamples.reserveCapacity(batches)
        var allocations: UInt64 = 0
        for _ in 0..<batches {
            let before = malloc_counter_allocations()
            let cpuStart = threadCPUNanoseconds()
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<perBatch where body() { sink &+= 1 }
            let end = DispatchTime.now().uptimeNanoseconds
            let cpuEnd = threadCPUNanoseconds()
            allocations &+= malloc_counter_allocations() &- before
            samples.append(Double(end - start) / Double(perBatch))
            cpuSamples.append(Double(cpuEnd - cpuStart) / Double(perBatch))
        }
        if sink == -1 { print(sink) }
        samples.sort()
        cpuSamples.sort()
        return Result(
            median: samples[samples.count / 2],
            p99: samples[min(samples.count - 1, samples.count * 99 / 100)],
            min: samples[0],
            cpuMedian: cpuSamples[cpuSamples.count / 2],
            cpuP99: cpuSamples[min(cpuSamples.count - 1, cpuSamples.count * 99 / 100)],
            allocationsPerEvaluation: Double(allocations) / Double(batches * perBatch))
    }
}
