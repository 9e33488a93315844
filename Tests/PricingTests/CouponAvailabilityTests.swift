import Pricing
import Testing

/// `CouponAvailability.replace` installs a read plus later marks and hands the old set back, so
/// the catalog frees it outside the lock pricing takes; holders are kept by redemption id.
@Suite("Coupon availability")
struct CouponAvailabilityTests {
    static func hold(_ code: String, _ customer: String, _ reservation: String, held: Bool = true) -> CouponAvailability.Hold {
        .init(code: code, customer: customer, reservation: reservation, held: held)
    }

    @Test func replaceInstallsTheReadAndLaterMarksAndHandsBackTheOldSet() {
        let availability = CouponAvailability(exhausted: ["OLD-1", "OLD-2"])
        var codes: Set<String> = ["READ-1", "LATE-1"]
        var holders: [String: [String: Set<String>]] = ["READ-1": ["c1": ["r1", "r2"]], "LATE-1": ["c2": ["r3"]]]
        availability.replace(with: &codes, holders: &holders, alsoExhausted: ["LATE-1", "LATE-2"],
                             laterHolds: [Self.hold("LATE-2", "c3", "r4"), Self.hold("LATE-1", "c2", "r3", held: false)])
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
        availability.record(Self.hold("READ-1", "c1", "r1", held: false))
        #expect(!availability.isExhausted("READ-1", for: "c1"), "one of two reservations ended and the other was forgotten")
        availability.record(Self.hold("READ-1", "c1", "r2", held: false))
        #expect(availability.isExhausted("READ-1", for: "c1"), "a confirmed or cancelled reservation still held the code")
        #expect(availability.markExhausted("NEW"))
        #expect(!availability.markExhausted("READ-1"))
    }

    /// A hold recorded after the refresh took its ticket, that the read already saw, is applied
    /// again: counted (as before), it outlived the reservation's confirm (found by review).
    @Test func aHoldTheReadAlreadySawIsNotCountedTwice() {
        let availability = CouponAvailability(exhausted: ["LAST"])
        var codes: Set<String> = ["LAST"]
        var holders: [String: [String: Set<String>]] = ["LAST": ["c1": ["r1"]]]
        availability.replace(with: &codes, holders: &holders, laterHolds: [Self.hold("LAST", "c1", "r1")])
        availability.record(Self.hold("LAST", "c1", "r1", held: false))  // c1 confirms its only reservation
        #expect(availability.isExhausted("LAST", for: "c1"), "the confirmed use was still offered")
    }

    /// A release the read already reflects, applied again, must not take the customer's other
    /// reservation with it.
    @Test func aReleaseTheReadAlreadySawKeepsTheOtherHold() {
        let availability = CouponAvailability(exhausted: ["LAST"])
        var codes: Set<String> = ["LAST"]
        var holders: [String: [String: Set<String>]] = ["LAST": ["c1": ["r2"]]]
        availability.replace(with: &codes, holders: &holders, laterHolds: [Self.hold("LAST", "c1", "r1", held: false)])
        #expect(!availability.isExhausted("LAST", for: "c1"), "c1's remaining reservation was forgotten")
    }

    /// Local holds are bounded: with the refresh failing, every reservation added a code forever.
    @Test func localHoldsStopAddingCodesAtTheCap() {
        let availability = CouponAvailability(exhausted: ["LAST", "C0"])
        for index in 0..<CouponAvailability.maxHeldCodes { availability.record(Self.hold("C\(index)", "c", "r\(index)")) }
        availability.record(Self.hold("LAST", "c1", "x"))
        #expect(availability.isExhausted("LAST", for: "c1"), "a code past the cap was added")
        availability.record(Self.hold("C0", "c2", "y"))  // a code already held still counts
        availability.record(Self.hold("C0", "c", "r0", held: false))
        #expect(!availability.isExhausted("C0", for: "c2"))
        #expect(availability.isExhausted("C0", for: "c"))
    }
}
