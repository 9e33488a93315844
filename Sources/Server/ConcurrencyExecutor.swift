import Foundation
import NIOCore
import NIOPosix

extension MarqueeApp {
    /// Runs Swift Concurrency's global executor on NIO's event loops
    /// (`MultiThreadedEventLoopGroup.singleton`, the loops that already serve HTTP and the
    /// PostgreSQL connections), so a request's task resumes on the thread that read it instead of
    /// hopping to the default pool and back for every body read and response write. On 2 cores
    /// this roughly doubled pricing throughput over HTTP (BENCHMARKS.md).
    ///
    /// Call once, first thing in `serve`, before the server starts; `MARQUEE_NIO_EXECUTOR=0`
    /// keeps the default pool. Like the default pool, the event loops must never block: Marquee's
    /// blocking work (SQLite) already runs on NIO's thread pool.
    /// - Returns: whether the event loops now run Swift Concurrency's jobs.
    @discardableResult
    public static func runConcurrencyOnEventLoops(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        if let setting = environment["MARQUEE_NIO_EXECUTOR"]?.lowercased(), ["0", "false", "no", "off"].contains(setting) {
            return false
        }
        return NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
