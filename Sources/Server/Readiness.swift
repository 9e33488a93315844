import Synchronization

/// What must finish before the instance takes traffic (`/readyz`): migrations, in-memory loads.
public final class Readiness: Sendable {
    let pending: Mutex<Set<String>>

    public init(pending: Set<String>) {
        self.pending = Mutex(pending)
    }

    public func markDone(_ step: String) {
        _ = pending.withLock { $0.remove(step) }
    }

    public var pendingSteps: [String] {
        pending.withLock { $0.sorted() }
    }
}
