import Audiences
import Foundation
import Testing

/// The real cache clock: wall-clock time (usage timestamps outlive the process) that only moves
/// forward with the monotonic clock (TTLs and durations must not jump with NTP steps).
@Suite struct SystemCacheClockTests {
    @Test func readsWallTimeAndNeverGoesBack() {
        let clock = SystemCacheClock()
        let wall = Int64(Date().timeIntervalSince1970 * 1e9)
        var previous = clock.now().nanosecondsSinceEpoch
        #expect(abs(previous - wall) < 5_000_000_000, "within 5 s of the wall clock")
        for _ in 0..<10_000 {
            let next = clock.now().nanosecondsSinceEpoch
            #expect(next >= previous)
            previous = next
        }
    }
}
