/// A dictionary of up to millions of entries that changes a few at a time: an immutable base,
/// shared by every copy, under a small layer of changes. Copying one (each snapshot holds one)
/// and changing an entry cost the layer, not the base. When the layer has grown
/// (``shouldCompact``), ``fold()`` builds a new base off the lock and ``rebased(on:)`` installs
/// it under a later version, keeping the changes made meanwhile.
public struct LayeredDictionary<Value: Sendable>: Sendable {
    final class Base: Sendable {
        let values: [String: Value]
        init(_ values: [String: Value]) { self.values = values }
    }

    private var base: Base
    /// Changed keys with the change's number; a nil value is a removal.
    private var layer: [String: (change: UInt64, value: Value?)] = [:]
    private var changes: UInt64 = 0
    public private(set) var count: Int

    public init(_ values: [String: Value] = [:]) {
        base = Base(values)
        count = values.count
    }

    public subscript(key: String) -> Value? {
        get {
            if !layer.isEmpty, let changed = layer[key] { return changed.value }
            return base.values[key]
        }
        set {
            count += (newValue == nil ? 0 : 1) - (self[key] == nil ? 0 : 1)
            changes += 1
            layer[key] = (changes, newValue)
        }
    }

    /// Changes layered on the base so far.
    public var layerCount: Int { layer.count }

    /// Past this many changes a lookup's second probe and each change's copy of the layer cost
    /// more than folding (one pass over the base, done off the catalog's lock).
    public var shouldCompact: Bool { layer.count > 4_096 }

    /// The base with the layer folded in, and which changes it holds.
    public struct Fold: Sendable {
        let from: Base
        let through: UInt64
        let base: Base
    }

    /// Folds the layer into a new base: one pass over every entry (run it off the event loops).
    public func fold() -> Fold {
        var values = base.values
        for (key, changed) in layer { values[key] = changed.value }
        return Fold(from: base, through: changes, base: Base(values))
    }

    /// This dictionary over `fold`'s base, keeping only the changes made after the fold began;
    /// nil when its base was replaced since (the fold no longer describes it).
    public func rebased(on fold: Fold) -> Self? {
        guard fold.from === base else { return nil }
        var rebased = self
        rebased.base = fold.base
        rebased.layer = layer.filter { $0.value.change > fold.through }
        return rebased
    }

    /// The same entries over one new base.
    public func compacted() -> Self { rebased(on: fold())! }

    /// Every value, in no particular order.
    public var values: [Value] {
        guard !layer.isEmpty else { return Array(base.values.values) }
        var values = base.values.compactMap { layer[$0.key] == nil ? $0.value : nil }
        values.append(contentsOf: layer.values.compactMap(\.value))
        return values
    }
}
