import CRoaring

extension Bitmap {
    /// The portable Roaring format (interoperable with the Java, Go and C implementations).
    public func serialized() -> [UInt8] {
        let size = roaring_bitmap_portable_size_in_bytes(storage.pointer)
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: size) {
                roaring_bitmap_portable_serialize(storage.pointer, $0)
            }
        }
    }

    /// Reads the portable format; nil when the bytes are not exactly one well-formed bitmap
    /// (checked by `PortableFormat` first: CRoaring 0.2.66 trusts the contents).
    public init?(serialized bytes: [UInt8]) {
        let pointer: UnsafeMutablePointer<roaring_bitmap_t>? = bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, PortableFormat.isValid(UnsafeRawBufferPointer(buffer)) else { return nil }
            return base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                roaring_bitmap_portable_deserialize_safe($0, buffer.count)
            }
        }
        guard let pointer else { return nil }
        self.init(owning: pointer)
    }

    /// Builds a bitmap from big-endian 4-byte ids, as PostgreSQL's `string_agg(int4send(id), '')`
    /// returns them (in any order).
    public init(bigEndianUInt32 bytes: some Collection<UInt8>) {
        var values = [UInt32]()
        values.reserveCapacity(bytes.count / 4)
        var iterator = bytes.makeIterator()
        while let b0 = iterator.next(), let b1 = iterator.next(), let b2 = iterator.next(), let b3 = iterator.next() {
            values.append(UInt32(b0) << 24 | UInt32(b1) << 16 | UInt32(b2) << 8 | UInt32(b3))
        }
        self.init(values)
    }
}
