import Synchronization

/// An immutable snapshot of the process-wide key table: field-name strings ↔ small integer ids.
///
/// Compiled conditions intern their path segments (``KeyInterner/intern(_:)``); prepared
/// documents look their object keys up in the snapshot current at preparation time, so that
/// evaluation resolves a path segment with integer compares only. Ids are dense (`0 ..< count`)
/// and never change or get reused, so a key id below a document's `keyEpoch` (the table size it
/// was prepared with) means exactly the same string in the document and in the condition.
///
/// Keys are compared with Swift `String` equality — the same equality `JSONValue`'s
/// `[String: JSONValue]` objects use for member lookup, so both evaluation paths agree.
final class KeyTable: Sendable {
    let ids: [String: UInt32]
    let names: [String]

    init(ids: [String: UInt32], names: [String]) {
        self.ids = ids
        self.names = names
    }

    var count: UInt32 { UInt32(names.count) }
}

/// The process-wide key interner. Only *condition* path segments are interned (a bounded set:
/// the field names the deployment's conditions use), never document keys, so untrusted carts
/// cannot grow it. Writers (compilation) copy the table and publish a new snapshot under the
/// mutex; readers (document preparation) take the current snapshot under the mutex — one
/// retain — then look keys up without holding the lock. Evaluation never touches it.
enum KeyInterner {
    /// Beyond this many distinct keys, new segments are not interned: they get ``uninterned``
    /// and are resolved by string comparison at evaluation time (correct, slower).
    static let capacity = 1 << 16

    /// The id of a segment that could not be interned (above every key epoch).
    static let uninterned: UInt32 = 0x7FFF_FFFF

    /// First id of document-local keys (keys a prepared document has that no condition used
    /// when it was prepared); they sort after every interned id.
    static let localBase: UInt32 = 0x8000_0000

    static let state = Mutex(KeyTable(ids: [:], names: []))

    /// The current snapshot.
    static func snapshot() -> KeyTable {
        state.withLock { $0 }
    }

    /// Interns `segments`, returning their ids (``uninterned`` once the table is full).
    static func intern(_ segments: [String]) -> [UInt32] {
        let current = snapshot()
        if let known = lookupAll(segments, in: current) { return known }
        return state.withLock { table in
            if let known = lookupAll(segments, in: table) { return known }
            var ids = table.ids
            var names = table.names
            let result = segments.map { segment -> UInt32 in
                if let id = ids[segment] { return id }
                guard names.count < capacity else { return uninterned }
                let id = UInt32(names.count)
                ids[segment] = id
                names.append(segment)
                return id
            }
            table = KeyTable(ids: ids, names: names)
            return result
        }
    }

    private static func lookupAll(_ segments: [String], in table: KeyTable) -> [UInt32]? {
        var result: [UInt32] = []
        result.reserveCapacity(segments.count)
        for segment in segments {
            guard let id = table.ids[segment] else { return nil }
            result.append(id)
        }
        return result
    }
}
