/// Checks bytes in the portable Roaring format before CRoaring reads them. Debian's CRoaring
/// 0.2.66 only checks that it does not read past the end: a run container with no runs, keys out
/// of order or an unsorted array make it crash or answer wrongly later (count, contains,
/// iteration). Stored snapshots are bytes from a database, so they are checked here.
///
/// Format (github.com/RoaringBitmap/RoaringFormatSpec): a cookie; the containers' keys and
/// cardinalities; offsets (when there are no run containers, or at least 4 containers); then each
/// container: runs (`count`, then `start, length − 1` pairs), an array of sorted values
/// (cardinality ≤ 4096) or a 65,536-bit set.
enum PortableFormat {
    static let cookieNoRuns: UInt32 = 12346
    static let cookieWithRuns: UInt32 = 12347
    static let noOffsetThreshold = 4
    static let maxArrayCardinality = 4096
    static let bitsetBytes = 8192

    /// Whether `bytes` are exactly one well-formed bitmap.
    static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var reader = Reader(bytes: bytes)
        guard let cookie = reader.uint32() else { return false }
        let count: Int
        var runFlags: UnsafeRawBufferPointer?
        if cookie & 0xFFFF == cookieWithRuns {
            count = Int(cookie >> 16) + 1
            guard let flags = reader.bytes((count + 7) / 8) else { return false }
            runFlags = flags
        } else if cookie == cookieNoRuns {
            guard let size = reader.uint32(), size <= 65_536 else { return false }
            count = Int(size)
        } else {
            return false
        }
        var keys: [(key: UInt16, cardinality: Int)] = []
        keys.reserveCapacity(count)
        for _ in 0..<count {
            guard let key = reader.uint16(), let cardinality = reader.uint16() else { return false }
            if let last = keys.last, key <= last.key { return false }
            keys.append((key, Int(cardinality) + 1))
        }
        var offsets: [Int]?
        if runFlags == nil || count >= noOffsetThreshold {
            var values: [Int] = []
            values.reserveCapacity(count)
            for _ in 0..<count {
                guard let offset = reader.uint32() else { return false }
                values.append(Int(offset))
            }
            offsets = values
        }
        for (index, container) in keys.enumerated() {
            if let offsets, offsets[index] != reader.position { return false }
            let isRun = runFlags.map { $0[index / 8] & (1 << (index % 8)) != 0 } ?? false
            let valid = if isRun {
                reader.runContainer(cardinality: container.cardinality)
            } else if container.cardinality <= maxArrayCardinality {
                reader.arrayContainer(cardinality: container.cardinality)
            } else {
                reader.bitsetContainer(cardinality: container.cardinality)
            }
            guard valid else { return false }
        }
        return reader.position == bytes.count
    }

    /// Little-endian reads that fail instead of reading past the end.
    struct Reader {
        let bytes: UnsafeRawBufferPointer
        var position = 0

        mutating func bytes(_ count: Int) -> UnsafeRawBufferPointer? {
            guard count <= bytes.count - position else { return nil }
            defer { position += count }
            return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)])
        }

        mutating func uint16() -> UInt16? {
            bytes(2).map { UInt16($0[0]) | UInt16($0[1]) << 8 }
        }

        mutating func uint32() -> UInt32? {
            bytes(4).map { UInt32($0[0]) | UInt32($0[1]) << 8 | UInt32($0[2]) << 16 | UInt32($0[3]) << 24 }
        }

        /// At least one run; runs sorted, apart, within 16 bits, adding up to `cardinality`.
        mutating func runContainer(cardinality: Int) -> Bool {
            guard let runs = uint16(), runs > 0 else { return false }
            var total = 0
            var nextFree = 0  // the smallest value the next run may start at
            for _ in 0..<runs {
                guard let start = uint16(), let lengthMinusOne = uint16() else { return false }
                let end = Int(start) + Int(lengthMinusOne)
                guard Int(start) >= nextFree, end <= 0xFFFF else { return false }
                total += Int(lengthMinusOne) + 1
                nextFree = end + 1
            }
            return total == cardinality
        }

        /// `cardinality` strictly increasing values.
        mutating func arrayContainer(cardinality: Int) -> Bool {
            var previous = -1
            for _ in 0..<cardinality {
                guard let value = uint16(), Int(value) > previous else { return false }
                previous = Int(value)
            }
            return true
        }

        /// 8 KiB of bits, `cardinality` of them set.
        mutating func bitsetContainer(cardinality: Int) -> Bool {
            guard let words = bytes(PortableFormat.bitsetBytes) else { return false }
            var set = 0
            for byte in words { set += byte.nonzeroBitCount }
            return set == cardinality
        }
    }
}
