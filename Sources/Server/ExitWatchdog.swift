import Dispatch
import Foundation
import Synchronization

/// Ends the process when a stop takes far longer than its limits allow.
///
/// ServiceLifecycle's own escalation (graceful limit, then cancellation, then a crash report)
/// runs inside the service group, and the group itself can hang: swift-async-algorithms 1.1.4's
/// `merge` (which ServiceGroup uses) can leave its lock held when a task is cancelled while it
/// registers a continuation (apple/swift-async-algorithms#430, fix not released), and the next
/// cancellation then blocks an event loop for good. Seen as a start with a failing migration,
/// or a SIGTERM, that never exited under load. This timer runs on a plain thread, outside Swift
/// Concurrency, armed by SIGTERM/SIGINT.
public enum ExitWatchdog {
    /// Written once per `serve`/`demo` run, before any signal can fire; only kept alive here.
    nonisolated(unsafe) static var sources: [any DispatchSourceSignal] = []

    /// Arms the watchdog on SIGTERM and SIGINT: `limit` after the first, the process exits with
    /// status 1 if it has not ended by itself.
    public static func armOnSignals(limit: Duration) {
        let sources = [SIGTERM, SIGINT].map { signal in
            let source = DispatchSource.makeSignalSource(signal: signal, queue: .global())
            source.setEventHandler { arm(limit: limit, reason: "stopping after signal \(signal)") }
            source.resume()
            return source
        }
        Self.sources += sources
    }

    static let armed = Atomic<Bool>(false)

    /// Exits with status 1 after `limit` unless the process ended before.
    public static func arm(limit: Duration, reason: String) {
        guard !armed.exchange(true, ordering: .relaxed) else { return }
        let seconds = Double(limit.components.seconds) + Double(limit.components.attoseconds) / 1e18
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: seconds)
            FileHandle.standardError.write(Data("marquee: still running \(Int(seconds)) s after \(reason); exiting with status 1\n".utf8))
            exit(1)
        }
    }
}
