import Pricing
import Testing

/// `CouponAvailability.replace` installs a read plus later marks and hands the old set back, so
/// the catalog frees it outside the lock pricing takes.
@Suite("Coupon availability")
struct CouponAvailabilityTests {
    @Test func replaceInstallsTheReadAndLaterMarksAndHandsBackTheOldSet() {
        let availability = CouponAvailability(exhausted: ["OLD-1", "OLD-2"])
        var codes: Set<String> = ["READ-1", "LATE-1"]
        var holders: [String: [String: Int]] = ["READ-1": ["c1": 2], "LATE-1": ["c2": 1]]
        availability.replace(with: &codes, holders: &holders, alsoExhausted: ["LATE-1", "LATE-2"],
                             laterHolds: [.init(code: "LATE-2", customer: "c3", held: true), .init(code: "LATE-1", customer: "c2", held: false)])
        #expect(codes == ["OLD-1", "OLD-2"])
        #expect(holders.isEmpty)
        for code in ["READ-1", "LATE-1", "LATE-2"] { #expect(availability.isExhausted(code)) }
        #expect(!availability.isExhausted("OLD-1"))
        // A customer holding a live reservation still has their use; nobody else does.
        #expect(!availability.isExhausted("READ-1", for: "c1"))
        #expect(availability.isExhausted("READ-1", for: "c2"))
        #expect(!availability.isExhausted("LATE-2", for: "c3"), "a hold taken after the read began was lost")
        #expect(availability.isExhausted("LATE-1", for: "c2"), "a hold ended after the read began came back")
        // c1 holds two uses (perCustomer ≥ 2): confirming one keeps the other.
        availability.record(.init(code: "READ-1", customer: "c1", held: false))
        #expect(!availability.isExhausted("READ-1", for: "c1"), "one of two reservations ended and the other was forgotten")
        availability.record(.init(code: "READ-1", customer: "c1", held: false))
        #expect(availability.isExhausted("READ-1", for: "c1"), "a confirmed or cancelled reservation still held the code")
        #expect(availability.markExhausted("NEW"))
        #expect(!availability.markExhausted("READ-1"))
    }

    /// Local holds are bounded: with the refresh failing, every reservation added a code forever.
    @Test func localHoldsStopAddingCodesAtTheCap() {
        let availability = CouponAvailability(exhausted: ["LAST", "C0"])
        for index in 0..<CouponAvailability.maxHeldCodes { availability.record(.init(code: "C\(index)", customer: "c", held: true)) }
        availability.record(.init(code: "LAST", customer: "c1", held: true))
        #expect(availability.isExhausted("LAST", for: "c1"), "a code past the cap was added")
        availability.record(.init(code: "C0", customer: "c2", held: true))  // a code already held still counts
        availability.record(.init(code: "C0", customer: "c", held: false))
        #expect(!availability.isExhausted("C0", for: "c2"))
        #expect(availability.isExhausted("C0", for: "c"))
    }
}
