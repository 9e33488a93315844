import Audiences
import Synchronization
import Testing

/// `withDeadline` returns on expiry or cancellation even when the operation ignores both (as a
/// postgres-nio lease that missed its cancellation does). The 1-minute limits only keep a
/// regression from hanging the run; the deadlines themselves are milliseconds.
@Suite("Deadline")
struct DeadlineTests {
    struct Expired: Error {}

    /// An operation that finishes only when the test lets it, whatever happens to its task.
    final class Stuck: Sendable {
        let waiter = Mutex<CheckedContinuation<Void, Never>?>(nil)

        func operation() async -> Int {
            await withCheckedContinuation { continuation in waiter.withLock { $0 = continuation } }
            return 0
        }

        func release() async {
            while true {  // the operation may not have started waiting yet
                if let waiter = waiter.withLock({ $0.take() }) { return waiter.resume() }
                await Task.yield()
            }
        }
    }

    @Test(.timeLimit(.minutes(1))) func expiresWhileTheOperationIgnoresCancellation() async throws {
        let stuck = Stuck()
        await #expect(throws: Expired.self) {
            try await withDeadline(.milliseconds(100), expired: { Expired() }) { await stuck.operation() }
        }
        await stuck.release()
    }

    @Test(.timeLimit(.minutes(1))) func returnsWhenTheCallerIsCancelled() async throws {
        let stuck = Stuck()
        let caller = Task { try await withDeadline(.seconds(3600), expired: { Expired() }) { await stuck.operation() } }
        try await Task.sleep(for: .milliseconds(50))
        caller.cancel()
        await #expect(throws: CancellationError.self) { try await caller.value }
        await stuck.release()
    }

    @Test func passesResultsAndErrorsThrough() async throws {
        #expect(try await withDeadline(.seconds(60), expired: { Expired() }) { 42 } == 42)
        struct Failed: Error {}
        await #expect(throws: Failed.self) {
            try await withDeadline(.seconds(60), expired: { Expired() }) { () async throws -> Int in throw Failed() }
        }
    }
}
