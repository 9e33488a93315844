@testable import Server
import Synchronization
import Testing

@Suite("Readiness")
struct ReadinessTests {
    /// A service stopped while it waits for a step that will never be done (migrations failed,
    /// say) must end, or the server never exits.
    @Test func aCancelledWaitReturnsWhileTheStepIsStillPending() async {
        let readiness = Readiness(pending: ["migrations"])
        let done = Self.Flag()
        let waiter = Task {
            await readiness.waitUntilDone("migrations")
            done.set()
        }
        // Cancelled while it waits (not before it started, which returns without waiting).
        #expect(await Self.eventually { readiness.waiting == 1 })
        waiter.cancel()
        #expect(await done.isSet(within: .seconds(10)))
        #expect(readiness.pendingSteps == ["migrations"])
    }

    @Test func markDoneWakesEveryWaiterOfTheStep() async {
        let readiness = Readiness(pending: ["migrations", "promotions"])
        let flags = (0..<3).map { _ in Self.Flag() }
        for flag in flags {
            Task {
                await readiness.waitUntilDone("migrations")
                flag.set()
            }
        }
        #expect(await Self.eventually { readiness.waiting == 3 })  // all waiting, not yet started
        readiness.markDone("migrations")
        for flag in flags { #expect(await flag.isSet(within: .seconds(10))) }
        #expect(readiness.pendingSteps == ["promotions"])
        await readiness.waitUntilDone("migrations")  // done already: returns at once
    }

    /// Whether `condition` holds within `limit` (polled), so a wait that never ends fails the
    /// test instead of hanging the run.
    static func eventually(within limit: Duration = .seconds(10), _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while !condition() {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return true
    }

    /// Set once; polled with a deadline (`eventually`).
    final class Flag: Sendable {
        private let value = Atomic<Bool>(false)

        func set() { value.store(true, ordering: .releasing) }

        func isSet(within limit: Duration) async -> Bool {
            await ReadinessTests.eventually(within: limit) { value.load(ordering: .acquiring) }
        }
    }
}
