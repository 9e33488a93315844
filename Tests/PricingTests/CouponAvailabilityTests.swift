import Pricing
import Testing

/// `CouponAvailability.replace` installs a read plus later marks and hands the old set back, so
/// the catalog frees it outside the lock pricing takes.
@Suite("Coupon availability")
struct CouponAvailabilityTests {
    @Test func replaceInstallsTheReadAndLaterMarksAndHandsBackTheOldSet() {
        let availability = CouponAvailability(exhausted: ["OLD-1", "OLD-2"])
        var codes: Set<String> = ["READ-1", "LATE-1"]
        availability.replace(with: &codes, alsoExhausted: ["LATE-1", "LATE-2"])
        #expect(codes == ["OLD-1", "OLD-2"])
        for code in ["READ-1", "LATE-1", "LATE-2"] { #expect(availability.isExhausted(code)) }
        #expect(!availability.isExhausted("OLD-1"))
        #expect(availability.markExhausted("NEW"))
        #expect(!availability.markExhausted("READ-1"))
    }
}
