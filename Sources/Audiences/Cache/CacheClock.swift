#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A point in wall-clock time, nanoseconds since the Unix epoch.
public struct CacheInstant: Hashable, Comparable, Sendable, Codable {
    /// Nanoseconds since 1970-01-01T00:00:00Z.
    public var nanosecondsSinceEpoch: Int64

    /// An instant from nanoseconds since the epoch.
    public init(nanosecondsSinceEpoch: Int64) {
        self.nanosecondsSinceEpoch = nanosecondsSinceEpoch
    }

    public static func < (lhs: CacheInstant, rhs: CacheInstant) -> Bool {
        lhs.nanosecondsSinceEpoch < rhs.nanosecondsSinceEpoch
    }

    /// `self` moved by `duration`.
    public func advanced(by duration: Duration) -> CacheInstant {
        CacheInstant(nanosecondsSinceEpoch: nanosecondsSinceEpoch &+ duration.nanoseconds)
    }

    /// The duration from `self` to `other`.
    public func duration(to other: CacheInstant) -> Duration {
        .nanoseconds(other.nanosecondsSinceEpoch &- nanosecondsSinceEpoch)
    }
}

extension Duration {
    /// Whole nanoseconds (saturating at ±292 years).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return scaled &+ attoseconds / 1_000_000_000
    }

    /// Milliseconds as a `Double` (for reports).
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}

/// The time source of the filter cache: TTLs, refresh-ahead, usage timestamps and query
/// durations. Tests substitute a manual clock.
public protocol CacheClock: Sendable {
    /// The current wall-clock time.
    func now() -> CacheInstant
    /// Suspends for `duration`; throws `CancellationError` when the task is cancelled.
    func sleep(for duration: Duration) async throws
}

/// The real clock: wall-clock time read once at start-up, advanced by the monotonic clock, so
/// an NTP step never stretches or expires TTLs nor makes a duration negative (instants still
/// serve as usage timestamps across restarts); `Task.sleep` for waiting.
public struct SystemCacheClock: CacheClock {
    /// The system clock.
    public init() {}

    public func now() -> CacheInstant {
        let start = Self.start
        return CacheInstant(nanosecondsSinceEpoch: start.wall &+ (Self.read(CLOCK_MONOTONIC) &- start.monotonic))
    }

    /// Both clocks read together, once per process.
    static let start = (wall: read(CLOCK_REALTIME), monotonic: read(CLOCK_MONOTONIC))

    static func read(_ clock: clockid_t) -> Int64 {
        var spec = timespec()
        clock_gettime(clock, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }

    public func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}
