import Dispatch

/// Runs CPU-heavy work (a tenant's snapshot over a million coupons) on a Dispatch queue instead
/// of the calling thread: Swift Concurrency's jobs run on the HTTP event loops
/// (`runConcurrencyOnEventLoops`), and a rebuild there stalled every request, `/livez`
/// included, for seconds.
enum OffLoop {
    static let queue = DispatchQueue(label: "marquee.off-loop", qos: .utility, attributes: .concurrent)

    static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: work()) }
        }
    }
}
