/// A dotted field path (`customer.tier`, `lines.sku`, `lines.0.sku`), split once into segments.
/// The empty path denotes the value itself (inside an operator-form `$elemMatch`).
public struct FieldPath: Sendable, Hashable, CustomStringConvertible {
    /// The segments between dots.
    public let segments: [String]

    /// Array positions of segments that are non-negative decimal integers (`"0"`, `"12"`),
    /// nil for other segments; MongoDB uses those to index arrays.
    let indexes: [Int?]

    /// Creates a path from its segments.
    public init(segments: [String]) {
        self.segments = segments
        self.indexes = segments.map(FieldPath.arrayIndex)
    }

    /// Splits a dotted path; no validation (the parser validates).
    public init(_ dotted: String) {
        self.init(segments: dotted.isEmpty ? [] : dotted.split(separator: ".", omittingEmptySubsequences: false).map(String.init))
    }

    /// The path of the value itself.
    public static let element = FieldPath(segments: [])

    /// The dotted form.
    public var description: String { segments.joined(separator: ".") }

    public static func == (lhs: FieldPath, rhs: FieldPath) -> Bool {
        lhs.segments.count == rhs.segments.count
            && zip(lhs.segments, rhs.segments).allSatisfy { $0.utf8.elementsEqual($1.utf8) }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(segments.count)
        for segment in segments { hasher.combine(Array(segment.utf8)) }
    }

    /// `"0"`, `"12"`: an array position. Not `"01"`: MongoDB compares the segment with the array
    /// element's key text (`"1"`), so a leading zero never indexes an array.
    static func arrayIndex(_ segment: String) -> Int? {
        let utf8 = segment.utf8
        guard !utf8.isEmpty, utf8.count <= 9, utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
              utf8.count == 1 || utf8.first != 48 else { return nil }
        return Int(segment)
    }
}
