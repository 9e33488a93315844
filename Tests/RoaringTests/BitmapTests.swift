import Roaring
import Testing

@Suite("Bitmap over CRoaring")
struct BitmapTests {
    @Test func algebraMatchesSets() {
        var generator = SystemRandomNumberGenerator()
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
