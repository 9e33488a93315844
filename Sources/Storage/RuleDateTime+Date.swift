import Foundation
import Rules

extension RuleDateTime {
    /// The instant of a Foundation `Date`, at microsecond precision.
    public init(_ date: Date) {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down))
        let (seconds, remainder) = micros.quotientAndRemainder(dividingBy: 1_000_000)
        self.init(seconds: remainder < 0 ? seconds - 1 : seconds, nanoseconds: Int32((remainder < 0 ? remainder + 1_000_000 : remainder) * 1000))
    }

    /// The same instant as a Foundation `Date`.
    public var date: Date {
        Date(timeIntervalSince1970: Double(seconds) + Double(nanoseconds) / 1e9)
    }

    /// Now, from the system clock.
    public static var now: RuleDateTime { RuleDateTime(Date()) }
}
