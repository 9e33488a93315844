/// Capped exponential back-off with full jitter: 100 ms, 200 ms, … up to 10 s; `reset()` on success.
public struct Backoff: Sendable {
    public var initial: Duration
    public var maximum: Duration
    private var attempt = 0

    public init(initial: Duration = .milliseconds(100), maximum: Duration = .seconds(10)) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The next delay: a random point in [cap/2, cap] where cap doubles per failure up to `maximum`.
    public mutating func next() -> Duration {
        let cap = min(initial * (1 << min(attempt, 20)), maximum)
        attempt += 1
        let half = cap / 2
        return half + half * Double.random(in: 0...1)
    }

    public mutating func reset() {
        attempt = 0
    }
}
