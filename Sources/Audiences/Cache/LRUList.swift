/// Recency order of cache keys: a doubly linked list threaded through a dictionary, O(1) touch,
/// remove and oldest.
struct LRUList<Key: Hashable> {
    private struct Links {
        var older: Key?
        var newer: Key?
    }

    private var links: [Key: Links] = [:]
    /// Least recently used.
    private(set) var oldest: Key?
    /// Most recently used.
    private(set) var newest: Key?

    var count: Int { links.count }

    /// Makes `key` the most recently used (inserting it when absent).
    mutating func touch(_ key: Key) {
        if links[key] != nil {
            if newest == key { return }
            remove(key)
        }
        links[key] = Links(older: newest, newer: nil)
        if let newest { links[newest]?.newer = key }
        newest = key
        if oldest == nil { oldest = key }
    }

    /// Forgets `key`.
    mutating func remove(_ key: Key) {
        guard let link = links.removeValue(forKey: key) else { return }
        if let older = link.older { links[older]?.newer = link.newer } else { oldest = link.newer }
        if let newer = link.newer { links[newer]?.older = link.older } else { newest = link.older }
    }

    /// Keys from least to most recently used.
    var keysOldestFirst: [Key] {
        var keys: [Key] = []
        var cursor = oldest
        while let key = cursor {
            keys.append(key)
            cursor = links[key]?.newer
        }
        return keys
    }
}
