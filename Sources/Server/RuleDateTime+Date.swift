import Foundation
import Rules

extension RuleDateTime {
    /// The instant of a Foundation `Date`, at microsecond precision.
    init(_ date: Date) {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down))
        let (seconds, remainder) = micros.quotientAndRemainder(dividingBy: 1_000_000)
        self.init(seconds: seconds, nanoseconds: Int32(remainder * 1000))
    }
}
