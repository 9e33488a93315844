/// MongoDB's implicit array traversal along a dotted path.
///
/// Yields every value the path reaches, with `nil` for "missing":
/// - at an object, the named member (missing if absent);
/// - at a scalar or null before the path ends, missing;
/// - at an array before the path ends: each element that is an object is followed with the same
///   segment (nested arrays are not entered, scalars are skipped); if the segment is a number `k`
///   the element at position `k` is followed too;
/// - at the end of the path, an array yields each element (one level) and then itself, when
///   `traverseLeafArrays` (comparisons, `$in`, `$exists`); only itself otherwise (`$size`, `$elemMatch`).
///
/// A root that is an array (an array element seen as a document by `$elemMatch`) is a document
/// keyed "0", "1", …. The empty path yields the root itself, untraversed.
enum PathWalker {
    /// Whether `body` returns true for any yielded value; stops at the first true.
    @inline(__always)
    static func any(
        _ root: JSONValue, _ path: FieldPath, traverseLeafArrays: Bool,
        _ body: (JSONValue?) -> Bool
    ) -> Bool {
        let count = path.segments.count
        if count == 0 { return body(root) }
        if case .array(let elements) = root {
            guard let k = path.indexes[0], k < elements.count else { return body(nil) }
            return walk(elements[k], path, 1, traverseLeafArrays, body)
        }
        return walk(root, path, 0, traverseLeafArrays, body)
    }

    /// `value` is what segments `0..<i` reached.
    static func walk(
        _ value: JSONValue, _ path: FieldPath, _ i: Int, _ traverseLeafArrays: Bool,
        _ body: (JSONValue?) -> Bool
    ) -> Bool {
        if i == path.segments.count {
            if traverseLeafArrays, case .array(let elements) = value {
                for element in elements where body(element) { return true }
            }
            return body(value)
        }
        switch value {
        case .object(let members):
            guard let child = members[path.segments[i]] else { return body(nil) }
            return walk(child, path, i + 1, traverseLeafArrays, body)
        case .array(let elements):
            if let k = path.indexes[i], k < elements.count,
               walk(elements[k], path, i + 1, traverseLeafArrays, body) {
                return true
            }
            for element in elements {
                if case .object = element, walk(element, path, i, traverseLeafArrays, body) { return true }
            }
            return false
        default:
            return body(nil)
        }
    }

    /// The values found at the path (for explanations): nil when missing everywhere, the value
    /// when exactly one was found, an array of them otherwise.
    static func found(_ root: JSONValue, _ path: FieldPath) -> JSONValue? {
        var values: [JSONValue] = []
        _ = any(root, path, traverseLeafArrays: false) { value in
            if let value { values.append(value) }
            return false
        }
        switch values.count {
        case 0: return nil
        case 1: return values[0]
        default: return .array(values)
        }
    }
}
