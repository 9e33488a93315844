import Testing
@testable import Rules

@Suite struct JSONNumberTests {
    @Test func parsesAndNormalises() throws {
        #expect(JSONNumber("49.99")?.description == "49.99")
        #expect(JSONNumber("1.50") == JSONNumber("1.5"))
        #expect(JSONNumber("10e-1") == JSONNumber(1))
        #expect(JSONNumber("-0") == JSONNumber.zero)
        #expect(JSONNumber("0.001")?.description == "0.001")
        #expect(JSONNumber("1e3")?.int64Value == 1000)
        #expect(JSONNumber("1e9999") == nil)
        #expect(JSONNumber("01") == nil)
        #expect(JSONNumber(".5") == nil)
        #expect(JSONNumber("1.") == nil)
        #expect(JSONNumber("+1") == nil)
        #expect(JSONNumber("49.99")?.units(scale: 2) == 4999)
        #expect(JSONNumber("49.999")?.units(scale: 2) == nil)
        #expect(JSONNumber(units: -4999, scale: 2).description == "-49.99")
        let fromFloat: JSONNumber = 49.99
        #expect(fromFloat == JSONNumber("49.99"))
    }

    @Test func comparesExactly() {
        let values = ["-10", "-1.5", "-1", "0", "0.1", "0.30000000000000004", "0.3", "1", "1.0000000000000001", "2", "1e20", "123456789012345678"]
        let numbers = values.compactMap(JSONNumber.init)
        #expect(numbers.count == values.count)
        #expect(JSONNumber("0.3")! < JSONNumber("0.30000000000000004")!)
        #expect(JSONNumber("1")! < JSONNumber("1.0000000000000001")!)
        #expect(JSONNumber("-2")! < JSONNumber("-1.5")!)
        #expect(JSONNumber("999")! < JSONNumber("1e3")!.advancedForTest)
        for a in numbers {
            for b in numbers {
                let da = Double(a.description)!, db = Double(b.description)!
                if da < db - 1e-9 * max(abs(da), abs(db)) { #expect(a < b, "\(a) < \(b)") }
            }
        }
    }

    @Test func roundsBeyondNineteenDigits() {
        let n = JSONNumber("12345678901234567891234")!
        #expect(n.description == "12345678901234567890000")
        #expect(JSONNumber("0.99999999999999999999") == JSONNumber(1))
    }
}

extension JSONNumber {
    var advancedForTest: JSONNumber { JSONNumber("1000.5")! }
}
