import CRoaring

extension Bitmap: Sequence {
    /// Ids in ascending order, read in batches from a CRoaring iterator.
    public struct Iterator: IteratorProtocol {
        let bitmap: Bitmap  // keeps the storage alive while iterating
        var cursor: BitmapCursor
        var buffer: [UInt32] = []
        var index = 0

        init(_ bitmap: Bitmap, from start: UInt32?) {
            self.bitmap = bitmap
            cursor = BitmapCursor(bitmap.storage, from: start)
        }

        public mutating func next() -> UInt32? {
            if index == buffer.count {
                buffer = cursor.read(4096)
                index = 0
                if buffer.isEmpty { return nil }
            }
            defer { index += 1 }
            return buffer[index]
        }
    }

    public func makeIterator() -> Iterator { Iterator(self, from: nil) }

    /// Ids ≥ `start`, ascending (cursor paging).
    public func elements(from start: UInt32) -> AnySequence<UInt32> {
        AnySequence { Iterator(self, from: start) }
    }

    public var underestimatedCount: Int { count }
}

/// Owns a CRoaring iterator.
final class BitmapCursor {
    let pointer: UnsafeMutablePointer<roaring_uint32_iterator_t>
    let storage: BitmapStorage

    init(_ storage: BitmapStorage, from start: UInt32?) {
        self.storage = storage
        pointer = roaring_create_iterator(storage.pointer)
        if let start { _ = roaring_move_uint32_iterator_equalorlarger(pointer, start) }
    }

    func read(_ count: Int) -> [UInt32] {
        [UInt32](unsafeUninitializedCapacity: count) { buffer, filled in
            filled = Int(roaring_read_uint32_iterator(pointer, buffer.baseAddress!, UInt32(count)))
        }
    }

    deinit {
        roaring_free_uint32_iterator(pointer)
    }
}
