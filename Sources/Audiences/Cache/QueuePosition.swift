/// Where a filter query waits for a permit of its tenant's `QueryGate`: by arrival (first come,
/// first served), then the longest expected first among queries of the same arrival (one
/// audience evaluation's filters).
public struct QueuePosition: Comparable, Sendable {
    /// When the request arrived (an evaluation's start, shared by all its filters).
    public var arrival: ContinuousClock.Instant
    /// How long the query is expected to take (its key's last query time; zero when unknown).
    public var expected: Duration

    public init(arrival: ContinuousClock.Instant, expected: Duration = .zero) {
        self.arrival = arrival
        self.expected = expected
    }

    public static func < (a: QueuePosition, b: QueuePosition) -> Bool {
        a.arrival != b.arrival ? a.arrival < b.arrival : a.expected > b.expected
    }
}
