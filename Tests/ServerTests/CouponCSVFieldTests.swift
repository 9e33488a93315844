import Testing
@testable import Server

/// The batch export's CSV fields: codes plain SQL stored with a line break, a comma, a quote or
/// edge whitespace are quoted, so they cannot split or shift their row.
@Suite("Coupon CSV fields")
struct CouponCSVFieldTests {
    @Test func fieldsThatWouldBreakARowAreQuoted() {
        #expect(CouponsController.csvField("BF-12") == "BF-12")
        #expect(CouponsController.csvField("X-1\r") == "\"X-1\r\"")
        #expect(CouponsController.csvField("A\nB") == "\"A\nB\"")
        #expect(CouponsController.csvField("A,B") == "\"A,B\"")
        #expect(CouponsController.csvField("SAY \"HI\"") == "\"SAY \"\"HI\"\"\"")
        #expect(CouponsController.csvField("lower ") == "\"lower \"")
    }
}
