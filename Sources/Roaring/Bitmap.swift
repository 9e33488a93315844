import CRoaring

/// A compressed set of `UInt32` (member ids) over CRoaring: a value type with copy-on-write.
///
/// The C bitmap is owned by a private class and freed deterministically when the last copy
/// goes away; mutations copy it first when it is shared.
public struct Bitmap: Sendable {
    var storage: BitmapStorage

    /// The empty set.
    public init() {
        storage = BitmapStorage(roaring_bitmap_create())
    }

    /// A set of the given ids (any order, duplicates allowed).
    public init(_ values: some Sequence<UInt32>) {
        self.init()
        let array = Array(values)
        array.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress { roaring_bitmap_add_many(storage.pointer, buffer.count, base) }
        }
        _ = roaring_bitmap_run_optimize(storage.pointer)
        // Containers grow by doubling; a filter result is kept as built, and the cache charges
        // its serialised size, which the memory held then matches.
        _ = roaring_bitmap_shrink_to_fit(storage.pointer)
    }

    init(owning pointer: UnsafeMutablePointer<roaring_bitmap_t>) {
        storage = BitmapStorage(pointer)
    }

    /// Number of ids in the set.
    public var count: Int { Int(roaring_bitmap_get_cardinality(storage.pointer)) }

    public var isEmpty: Bool { roaring_bitmap_is_empty(storage.pointer) }

    public func contains(_ value: UInt32) -> Bool {
        roaring_bitmap_contains(storage.pointer, value)
    }

    /// Bytes held by the compressed representation.
    public var sizeInBytes: Int { Int(roaring_bitmap_portable_size_in_bytes(storage.pointer)) }

    public mutating func insert(_ value: UInt32) {
        makeUnique()
        roaring_bitmap_add(storage.pointer, value)
    }

    /// Adds many ids at once (fastest when sorted).
    public mutating func insert(contentsOf values: UnsafeBufferPointer<UInt32>) {
        guard let base = values.baseAddress else { return }
        makeUnique()
        roaring_bitmap_add_many(storage.pointer, values.count, base)
    }

    /// Compresses runs; call after bulk loading.
    public mutating func optimize() {
        makeUnique()
        _ = roaring_bitmap_run_optimize(storage.pointer)
    }

    /// Gives back the spare capacity of the containers; returns the bytes freed.
    @discardableResult
    public mutating func shrinkToFit() -> Int {
        makeUnique()
        return Int(roaring_bitmap_shrink_to_fit(storage.pointer))
    }

    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) {
            storage = BitmapStorage(roaring_bitmap_copy(storage.pointer))
        }
    }
}

/// Owns one `roaring_bitmap_t`.
///
/// `@unchecked Sendable` is sound because the pointer is never mutated once the storage may be
/// shared: `Bitmap` mutates only through `makeUnique()`, i.e. when it holds the only reference,
/// and CRoaring's read functions are safe to call concurrently on an unmodified bitmap.
final class BitmapStorage: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<roaring_bitmap_t>

    init(_ pointer: UnsafeMutablePointer<roaring_bitmap_t>?) {
        guard let pointer else { fatalError("CRoaring allocation failed") }
        self.pointer = pointer
    }

    deinit {
        roaring_bitmap_free(pointer)
    }
}
