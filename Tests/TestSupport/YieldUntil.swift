/// Yields until `condition` holds, for at most `timeout`; false when it never did. Tests that
/// wait for a task to reach a hold point use it with `#expect`, so a code change that moves the
/// hold fails the test instead of spinning until CI's time runs out.
public func yieldUntil(timeout: Duration = .seconds(60), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        if ContinuousClock.now >= deadline { return false }
        await Task.yield()
    }
    return true
}
