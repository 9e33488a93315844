import Testing
@testable import Pricing

@Suite struct MoneyTests {
    @Test func parsesAndFormatsPerCurrencyExponent() throws {
        #expect(try Money(parsing: "49.99", currency: .eur).minorUnits == 4999)
        #expect(try Money(parsing: "49.9", currency: .eur).decimalString == "49.90")
        #expect(try Money(parsing: "49", currency: .eur).decimalString == "49.00")
        #expect(try Money(parsing: "0.01", currency: .eur).minorUnits == 1)
        #expect(try Money(parsing: "1999", currency: .jpy).decimalString == "1999")
        #expect(try Money(parsing: "1.250", currency: .bhd).minorUnits == 1250)
        #expect(try Money(parsing: "0.5", currency: .bhd).decimalString == "0.500")
        #expect(try Money(parsing: "-3.10", currency: .eur).decimalString == "-3.10")
        #expect(try Money(parsing: "1.500", currency: .eur).minorUnits == 150)  // trailing zeros are exact
    }

    @Test(arguments: ["", "1.", ".5", "+1", "1e3", "12,50", " 1", "1 ", "--1", "0x10", "1.2.3", "NaN"])
    func rejectsNonDecimalStrings(_ text: String) {
        #expect(throws: Money.ParseError.invalid) { try Money(parsing: text, currency: .eur) }
    }

    @Test func rejectsTooPreciseAndTooLarge() {
        #expect(throws: Money.ParseError.tooPrecise(maxFractionDigits: 2)) { try Money(parsing: "1.005", currency: .eur) }
        #expect(throws: Money.ParseError.tooPrecise(maxFractionDigits: 0)) { try Money(parsing: "10.5", currency: .jpy) }
        #expect(throws: Money.ParseError.tooLarge) { try Money(parsing: "99999999999999999999", currency: .eur) }
        #expect(throws: Money.ParseError.tooLarge) { try Money(parsing: "10000000000000", currency: .eur) }
    }

    @Test func currencyTable() {
        #expect(Currency(code: "EUR")?.exponent == 2)
        #expect(Currency(code: "JPY")?.exponent == 0)
        #expect(Currency(code: "KRW")?.exponent == 0)
        #expect(Currency(code: "BHD")?.exponent == 3)
        #expect(Currency(code: "KWD")?.exponent == 3)
        #expect(Currency(code: "CLF")?.exponent == 4)
        #expect(Currency(code: "eur") == nil)
        #expect(Currency(code: "XXX") == nil)
        #expect(Currency.jpy.minorUnitsPerMajorUnit == 1)
        #expect(Currency.bhd.minorUnitsPerMajorUnit == 1000)
    }

    @Test func roundingModes() {
        // 125 × 10 % = 12.5
        #expect(ExactArithmetic.mulDiv(125, 100_000, 1_000_000, rounding: .halfEven) == 12)
        #expect(ExactArithmetic.mulDiv(125, 100_000, 1_000_000, rounding: .halfUp) == 13)
        #expect(ExactArithmetic.mulDiv(135, 100_000, 1_000_000, rounding: .halfEven) == 14)
        #expect(ExactArithmetic.mulDiv(135, 100_000, 1_000_000, rounding: .halfUp) == 14)
        #expect(ExactArithmetic.mulDiv(129, 100_000, 1_000_000, rounding: .down) == 12)
        #expect(ExactArithmetic.mulDiv(126, 100_000, 1_000_000, rounding: .halfEven) == 13)
        // 128-bit intermediate: 10^15 × 10^6 / 10^6
        #expect(ExactArithmetic.mulDiv(Money.maxMinorUnits, 1_000_000, 1_000_000, rounding: .halfEven) == Money.maxMinorUnits)
    }

    @Test func percentParsing() {
        #expect(Percent(parsing: "12.5")?.millionths == 125_000)
        #expect(Percent(parsing: "100")?.millionths == 1_000_000)
        #expect(Percent(parsing: "0")?.millionths == 0)
        #expect(Percent(parsing: "33.3333")?.decimalString == "33.3333")
        #expect(Percent(parsing: "12.50")?.decimalString == "12.5")
        #expect(Percent(parsing: "100.01") == nil)
        #expect(Percent(parsing: "-1") == nil)
        #expect(Percent(parsing: "1.23456") == nil)
        #expect(Fixture.percent("10").of(9998, rounding: .halfEven) == 1000)
    }

    @Test func oneCentOverThreeLines() {
        #expect(Allocation.largestRemainder(1, weights: [100, 100, 100]) == [1, 0, 0])
        #expect(Allocation.largestRemainder(2, weights: [100, 100, 100]) == [1, 1, 0])
        #expect(Allocation.largestRemainder(100, weights: [1, 1, 1]) == [34, 33, 33])
    }

    @Test func largestRemainderGoesToLargestFraction() {
        // 10 over [1, 2, 3] → exact 1.67, 3.33, 5 → floors 1, 3, 5 (=9) → the extra unit to index 0 (.67).
        #expect(Allocation.largestRemainder(10, weights: [1, 2, 3]) == [2, 3, 5])
        #expect(Allocation.largestRemainder(0, weights: [1, 2]) == [0, 0])
        #expect(Allocation.largestRemainder(5, weights: [0, 0]) == [3, 2])
        #expect(Allocation.largestRemainder(5, weights: []) == [])
    }

    @Test func allocationSumsExactlyAndStaysWithinWeights() {
        var rng = SplitMix64(seed: 42)
        for _ in 0..<2_000 {
            let count = Int(rng.next() % 20) + 1
            let weights = (0..<count).map { _ in Int64(rng.next() % 1_000_000) }
            let sum = weights.reduce(0, +)
            let total = sum == 0 ? 0 : Int64(rng.next() % UInt64(sum + 1))
            let parts = Allocation.largestRemainder(total, weights: weights)
            #expect(parts.reduce(0, +) == total)
            for (part, weight) in zip(parts, weights) { #expect(part >= 0 && part <= weight) }
        }
    }

    /// The extra units go to the largest remainders, ties to the lower index: against a
    /// straightforward sort-based reference (the fast path selects instead of sorting).
    @Test func largestRemainderMatchesSortingReference() {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<2_000 {
            let count = Int(rng.next() % 120) + 1
            let weights = (0..<count).map { _ in Int64(rng.next() % (rng.next() % 2 == 0 ? 10 : 100_000)) }
            let sum = weights.reduce(0, +)
            guard sum > 0 else { continue }
            let total = Int64(rng.next() % UInt64(sum + 1))
            var reference = weights.map { total * $0 / sum }
            let remainders = weights.map { total * $0 % sum }
            let order = weights.indices.sorted { remainders[$0] != remainders[$1] ? remainders[$0] > remainders[$1] : $0 < $1 }
            for index in order.prefix(Int(total - reference.reduce(0, +))) { reference[index] += 1 }
            #expect(Allocation.largestRemainder(total, weights: weights) == reference)
        }
    }

    @Test func selectLargestPutsTheLargestLast() {
        var rng = SplitMix64(seed: 11)
        for _ in 0..<1_000 {
            let keys = Array(Set((0..<Int(rng.next() % 200 + 1)).map { _ in rng.next() % 10_000 }))
            let count = Int(rng.next() % UInt64(keys.count + 1))
            var selected = keys
            Allocation.selectLargest(count, in: &selected)
            #expect(Set(selected.suffix(count)) == Set(keys.sorted().suffix(count)))
            #expect(selected.sorted() == keys.sorted())
        }
    }
}

/// Deterministic pseudo-random numbers for property tests (SplitMix64).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
