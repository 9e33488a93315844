import Roaring
import Testing

@Suite("Bitmap over CRoaring")
struct BitmapTests {
    @Test func algebraMatchesSets() {
        var generator = SplitMix(state: 20_261_206)
        for _ in 0..<50 {
            let a = Set((0..<Int.random(in: 0...3000, using: &generator)).map { _ in UInt32.random(in: 0...200_000, using: &generator) })
            let b = Set((0..<Int.random(in: 0...3000, using: &generator)).map { _ in UInt32.random(in: 0...200_000, using: &generator) })
            let x = Bitmap(a), y = Bitmap(b)
            #expect(Array(x.intersection(y)) == a.intersection(b).sorted())
            #expect(Array(x.union(y)) == a.union(b).sorted())
            #expect(Array(x.subtracting(y)) == a.subtracting(b).sorted())
            #expect(x.intersectionCount(y) == a.intersection(b).count)
            #expect(x.count == a.count)
        }
    }

    @Test func copyOnWriteKeepsCopiesIndependent() {
        let original = Bitmap([1, 2, 3])
        var copy = original
        copy.insert(99)
        copy.formUnion(Bitmap([1000]))
        #expect(Array(original) == [1, 2, 3])
        #expect(Array(copy) == [1, 2, 3, 99, 1000])
        var other = original
        other.subtract(Bitmap([2]))
        #expect(Array(original) == [1, 2, 3])
        #expect(Array(other) == [1, 3])
    }

    @Test func portableSerializationRoundTrips() {
        let bitmap = Bitmap(Array(0..<100_000).map { UInt32($0 * 3) } + [UInt32.max])
        let bytes = bitmap.serialized()
        #expect(Bitmap(serialized: bytes) == bitmap)
        #expect(Bitmap(serialized: [1, 2, 3]) == nil)
        #expect(Bitmap(serialized: Array(bytes.prefix(bytes.count / 2))) == nil)
    }

    /// Every container kind (runs, arrays, bitsets), with and without the offset header.
    static func mixedBitmaps() -> [Bitmap] {
        var generator = SplitMix(state: 7)
        var values: [UInt32] = Array(0..<3000)                                              // a run
        values += (0..<6000).map { _ in 65_536 + UInt32.random(in: 0..<65_536, using: &generator) }   // a bitset
        values += (0..<100).map { _ in 2 * 65_536 + UInt32.random(in: 0..<65_536, using: &generator) } // an array
        values += [5 * 65_536 + 1, 5 * 65_536 + 9, UInt32.max]
        var optimized = Bitmap(values)
        optimized.optimize()
        var small = Bitmap(Array(10..<400).map { UInt32($0) })
        small.optimize()  // one run container: no offset header
        return [Bitmap(values), optimized, small, Bitmap([]), Bitmap([42])]
    }

    @Test func portableFormatRoundTripsEveryContainerKind() {
        for bitmap in Self.mixedBitmaps() {
            #expect(Bitmap(serialized: bitmap.serialized()) == bitmap)
        }
    }

    /// Stored snapshots are bytes from a database. CRoaring 0.2.66 accepted these and then
    /// crashed (a run container with no runs, found by review) or answered wrongly (an unsorted
    /// array: `contains` missed listed ids).
    @Test func malformedBytesAreRejectedNotTrusted() {
        let noRuns: [UInt8] = [0x3B, 0x30, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]
        #expect(Bitmap(serialized: noRuns) == nil)
        var unsorted = Bitmap([7, 17, 27]).serialized()
        unsorted[unsorted.count - 6] = 0xFF  // the first array value becomes 0xFF07
        unsorted[unsorted.count - 5] = 0xFF
        #expect(Bitmap(serialized: unsorted) == nil)
        #expect(Bitmap(serialized: Bitmap([1]).serialized() + [0]) == nil)  // trailing bytes
        #expect(Bitmap(serialized: []) == nil)
    }

    /// Random damage to valid bytes: either rejected, or a bitmap whose every invariant holds.
    /// Before the check about 1.5 % of such inputs crashed the process.
    @Test func damagedBytesNeverCrashOrBreakInvariants() {
        var generator = SplitMix(state: 11)
        for bitmap in Self.mixedBitmaps() where bitmap.count > 1 {
            let bytes = bitmap.serialized()
            for _ in 0..<1500 {
                var damaged = bytes
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    damaged[Int.random(in: 0..<damaged.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
                guard let read = Bitmap(serialized: damaged) else { continue }
                let elements = Array(read)
                #expect(elements.count == read.count)
                #expect(zip(elements, elements.dropFirst()).allSatisfy { $0 < $1 })
                #expect(elements.allSatisfy(read.contains))
                #expect(Bitmap(serialized: read.serialized()) == read)
            }
        }
    }

    @Test func builtBitmapsHoldNoSpareCapacity() {
        // The cache charges a filter result its serialised size; that matches the memory held
        // only when the containers' spare capacity from building was given back.
        let ids = (0..<3000).map { UInt32($0 * 17 % 60000) }
        var built = Bitmap(ids.reversed())
        #expect(built.shrinkToFit() == 0)
        var grown = Bitmap()
        for id in ids { grown.insert(id) }
        #expect(grown.shrinkToFit() > 0)  // a bitmap grown one id at a time does have some
        #expect(grown == built)
    }

    @Test func readsBigEndianIDs() {
        let bytes: [UInt8] = [0, 0, 0, 1, 0, 0, 1, 0, 0xff, 0xff, 0xff, 0xff]
        #expect(Array(Bitmap(bigEndianUInt32: bytes)) == [1, 256, UInt32.max])
    }

    @Test func cursorPaging() {
        let bitmap = Bitmap(Array(stride(from: UInt32(0), to: 10_000, by: 7)))
        #expect(Array(bitmap.elements(from: 100).prefix(3)) == [105, 112, 119])
        #expect(Array(bitmap.elements(from: 20_000)).isEmpty)
        #expect(bitmap.contains(7) && !bitmap.contains(8))
    }
}

/// SplitMix64, so failures reproduce.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
