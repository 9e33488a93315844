/// A dictionary of up to millions of entries that changes a few at a time: an immutable base,
/// shared by every copy, under a small layer of changes. Copying one (each snapshot holds one)
/// and changing an entry cost the layer, not the base; ``compacted()`` folds the layer into a new
/// base when it has grown (see ``shouldCompact``).
public struct LayeredDictionary<Value: Sendable>: Sendable {
    final class Base: Sendable {
        let values: [String: Value]
        init(_ values: [String: Value]) { self.values = values }
    }

    private let base: Base
    /// Changed keys: `.some(nil)` is a removal.
    private var layer: [String: Value?] = [:]
    public private(set) var count: Int

    public init(_ values: [String: Value] = [:]) {
        base = Base(values)
        count = values.count
    }

    public subscript(key: String) -> Value? {
        get {
            if !layer.isEmpty, let changed = layer[key] { return changed }
            return base.values[key]
        }
        set {
            count += (newValue == nil ? 0 : 1) - (self[key] == nil ? 0 : 1)
            layer[key] = .some(newValue)
        }
    }

    /// Changes layered on the base so far.
    public var layerCount: Int { layer.count }

    /// Past this many changes a lookup's second probe and a copy's layer cost more than folding
    /// (one pass over the base, done off the catalog's lock).
    public var shouldCompact: Bool { layer.count > 4_096 }

    /// The same entries, with the layer folded into a new base.
    public func compacted() -> Self {
        guard !layer.isEmpty else { return self }
        var values = base.values
        for (key, value) in layer { values[key] = value }
        return Self(values)
    }

    /// Every value, in no particular order.
    public var values: [Value] {
        guard !layer.isEmpty else { return Array(base.values.values) }
        var values = base.values.compactMap { layer[$0.key] == nil ? $0.value : nil }
        values.append(contentsOf: layer.values.compactMap { $0 })
        return values
    }
}
