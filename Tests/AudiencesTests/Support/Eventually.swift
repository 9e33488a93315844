/// Yields until `condition` holds (for states reached by other tasks; no sleeping); false when
/// it still does not hold after many yields.
@discardableResult
func eventually(_ condition: () -> Bool) async -> Bool {
    for _ in 0..<2_000_000 {
        if condition() { return true }
        await Task.yield()
    }
    return condition()
}
