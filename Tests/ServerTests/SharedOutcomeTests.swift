import Testing
import TestSupport
@testable import Server

@Suite("Shared outcome")
struct SharedOutcomeTests {
    /// A task that ends when `finish` is called, like a database call that hangs until then.
    static func hungTask() -> (Task<Int, any Error>, finish: @Sendable () -> Void) {
        let (stream, continuation) = AsyncStream<Void>.makeStream()
        let task = Task<Int, any Error> {
            for await _ in stream {}
            return 7
        }
        return (task, { continuation.finish() })
    }

    /// Callers that give up on a hung task leave no waiter behind; before, each left a task
    /// awaiting the hung call for as long as it lasted.
    @Test func callersPastTheirDeadlineLeaveNothingBehind() async throws {
        let (task, finish) = Self.hungTask()
        let shared = SharedOutcome(task)
        for _ in 0..<50 { #expect(await shared.outcome(within: .milliseconds(5)) == nil) }
        #expect(shared.waiting == 0)
        finish()
        #expect(try await shared.outcome(within: .seconds(30))?.get() == 7)
        #expect(try await shared.outcome(within: .zero)?.get() == 7, "a finished task answers at once")
    }

    /// Every caller still waiting when the task ends gets its outcome.
    @Test func concurrentCallersShareTheOutcome() async throws {
        let (task, finish) = Self.hungTask()
        let shared = SharedOutcome(task)
        let callers = (0..<100).map { _ in Task { await shared.outcome(within: .seconds(60)) } }
        #expect(await yieldUntil { shared.waiting >= 100 }, "all callers waiting")
        finish()
        for caller in callers { #expect(try await caller.value?.get() == 7) }
        #expect(shared.waiting == 0)
    }
}
