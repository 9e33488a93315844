import CRoaring

extension Bitmap {
    /// Ids in both sets.
    public func intersection(_ other: Bitmap) -> Bitmap {
        Bitmap(owning: roaring_bitmap_and(storage.pointer, other.storage.pointer))
    }

    /// Ids in either set.
    public func union(_ other: Bitmap) -> Bitmap {
        Bitmap(owning: roaring_bitmap_or(storage.pointer, other.storage.pointer))
    }

    /// Ids in this set but not in `other` (`A ∧ ¬B` without materialising `¬B`).
    public func subtracting(_ other: Bitmap) -> Bitmap {
        Bitmap(owning: roaring_bitmap_andnot(storage.pointer, other.storage.pointer))
    }

    public mutating func formIntersection(_ other: Bitmap) {
        makeUnique()
        roaring_bitmap_and_inplace(storage.pointer, other.storage.pointer)
    }

    public mutating func formUnion(_ other: Bitmap) {
        makeUnique()
        roaring_bitmap_or_inplace(storage.pointer, other.storage.pointer)
    }

    public mutating func subtract(_ other: Bitmap) {
        makeUnique()
        roaring_bitmap_andnot_inplace(storage.pointer, other.storage.pointer)
    }

    /// `|A ∩ B|` without building the intersection.
    public func intersectionCount(_ other: Bitmap) -> Int {
        Int(roaring_bitmap_and_cardinality(storage.pointer, other.storage.pointer))
    }
}

extension Bitmap: Equatable {
    public static func == (lhs: Bitmap, rhs: Bitmap) -> Bool {
        lhs.storage === rhs.storage || roaring_bitmap_equals(lhs.storage.pointer, rhs.storage.pointer)
    }
}
