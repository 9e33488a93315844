#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A document flattened once for fast repeated evaluation.
///
/// Preparation copies a ``JSONValue`` into a contiguous arena: every value is a 24-byte node;
/// the members of an object are consecutive nodes sorted by interned key id, the elements of an
/// array are consecutive nodes; a number is stored in its node, a string as its precomputed hash
/// and a range of one shared byte buffer (plus its instant, when it is an RFC 3339 timestamp,
/// in a side table). Evaluating a
/// ``CompiledCondition`` over it resolves field paths with integer compares, touches no
/// reference counts and allocates nothing.
///
/// ```swift
/// let document = PreparedDocument(cart)              // once per price call
/// for trigger in triggers where trigger.matches(document) { … }
/// for line in document.elements(of: document.member("lines", of: document.root)!) {
///     target.matches(document, at: line)             // a line-level condition on one line
/// }
/// ```
///
/// Immutable and `Sendable`: one prepared document can be evaluated from many tasks at once.
public struct PreparedDocument: Sendable {
    /// A value inside a prepared document (valid only for the document that returned it).
    public struct NodeID: Hashable, Sendable {
        let raw: UInt32
    }

    let storage: PreparedStorage

    /// Flattens `document`. Costs roughly one pass over it (see the benchmark for numbers).
    public init(_ document: JSONValue) {
        var builder = PreparedBuilder(keys: KeyInterner.snapshot())
        builder.build(document)
        storage = PreparedStorage(builder)
    }

    /// The document itself.
    public var root: NodeID { NodeID(raw: 0) }

    /// Number of values (nodes) in the document.
    public var nodeCount: Int { storage.nodes.count }

    /// Bytes held by the prepared form (nodes, string bytes, timestamps).
    public var byteCount: Int {
        storage.nodes.count * MemoryLayout<PNode>.stride + storage.bytes.count
            + storage.dates.count * MemoryLayout<PDate>.stride
    }

    /// The member `key` of an object node, nil when the node is not an object or has no such key.
    public func member(_ key: String, of node: NodeID) -> NodeID? {
        let n = storage.node(node)
        guard n.kind == PNode.object else { return nil }
        for index in Int(n.start)..<Int(n.start + n.count) where storage.keyName(storage.nodes[index].key) == key {
            return NodeID(raw: UInt32(index))
        }
        return nil
    }

    /// The elements of an array node (empty for other nodes), in order.
    public func elements(of node: NodeID) -> Elements {
        let n = storage.node(node)
        guard n.kind == PNode.array else { return Elements(range: 0..<0) }
        return Elements(range: n.start..<(n.start + n.count))
    }

    /// The value of a node, as JSON (allocates; for explanations and debugging).
    public func value(of node: NodeID) -> JSONValue {
        _ = storage.node(node)
        return storage.materialize(node.raw)
    }

    /// The elements of an array node (indexed from 0, like the array).
    public struct Elements: RandomAccessCollection, Sendable {
        let range: Range<UInt32>
        public var startIndex: Int { 0 }
        public var endIndex: Int { range.count }
        public subscript(position: Int) -> NodeID {
            precondition(position >= 0 && position < range.count, "index out of range")
            return NodeID(raw: range.lowerBound + UInt32(position))
        }
    }
}

/// One value of a prepared document (24 bytes, trivially copyable). Scalars are stored inline
/// so a path walk reaches a value's content without another dependent load.
struct PNode {
    static let null: UInt8 = 0, falseValue: UInt8 = 1, trueValue: UInt8 = 2, number: UInt8 = 3
    static let string: UInt8 = 4, array: UInt8 = 5, object: UInt8 = 6

    /// `flags` bits.
    static let negative: UInt8 = 1, timestamp: UInt8 = 2

    var kind: UInt8
    /// Number: `negative`; string: `timestamp` (its instant is in the dates table).
    var flags: UInt8 = 0
    /// Number: digit count of the significand.
    var digits: UInt8 = 0
    /// Interned key id when the node is an object member (sorted within the object).
    var key: UInt32
    /// Array/object: first child node; string: byte offset; number: exponent (bit pattern).
    var start: UInt32
    /// Array/object: number of children; string: byte length; number: `PNumberKey.adjusted`.
    var count: UInt32
    /// Number: `PNumberKey.scaled`; string: hash of the bytes.
    var payload: UInt64 = 0

    init(kind: UInt8, key: UInt32, start: UInt32, count: UInt32) {
        self.kind = kind
        self.key = key
        self.start = start
        self.count = count
    }

    init(key: UInt32, number: JSONNumber) {
        let comparable = PNumberKey(number)
        kind = PNode.number
        flags = number.isNegative ? PNode.negative : 0
        digits = number.digitCount
        self.key = key
        start = UInt32(bitPattern: number.exponent)
        count = UInt32(bitPattern: comparable.adjusted)
        payload = comparable.scaled
    }

    /// The number (divides; the hot comparisons use `numberKey`).
    var number: JSONNumber {
        JSONNumber(significand: payload / JSONNumber.powerOfTen(19 - Int(digits)), exponent: Int32(bitPattern: start),
                   isNegative: flags & PNode.negative != 0, digitCount: digits)
    }

    @inline(__always)
    var numberKey: PNumberKey {
        PNumberKey(negative: flags & PNode.negative != 0, adjusted: Int32(bitPattern: count), scaled: payload)
    }

    @inline(__always)
    var string: PString { PString(offset: start, length: count, hash: payload) }
}

/// A number in a form that compares exactly with integer compares only: sign, order of
/// magnitude (`exponent + digitCount`; `Int32.min` for zero) and the significand scaled to 19
/// digits (< 10^19 < 2^64). Equal numbers have equal keys (`JSONNumber` is canonical).
struct PNumberKey: Equatable {
    var negative: Bool
    var adjusted: Int32
    var scaled: UInt64

    init(negative: Bool, adjusted: Int32, scaled: UInt64) {
        self.negative = negative
        self.adjusted = adjusted
        self.scaled = scaled
    }

    init(_ number: JSONNumber) {
        negative = number.isNegative
        if number.significand == 0 {
            adjusted = Int32.min
            scaled = 0
        } else {
            adjusted = number.exponent + Int32(number.digitCount)
            scaled = number.significand &* JSONNumber.powerOfTen(19 - Int(number.digitCount))
        }
    }

    /// `JSONNumber.compare`: negative, zero or positive.
    @inline(__always)
    static func compare(_ lhs: PNumberKey, _ rhs: PNumberKey) -> Int {
        if lhs.negative != rhs.negative { return lhs.negative ? -1 : 1 }
        let magnitude = lhs.adjusted != rhs.adjusted ? (lhs.adjusted < rhs.adjusted ? -1 : 1)
            : (lhs.scaled == rhs.scaled ? 0 : (lhs.scaled < rhs.scaled ? -1 : 1))
        return lhs.negative ? -magnitude : magnitude
    }
}

/// A string's bytes in an arena, with their hash (document strings and condition literals).
struct PString {
    var offset: UInt32
    var length: UInt32
    var hash: UInt64
}

/// The instant of a document string that is an RFC 3339 timestamp (sorted by node).
struct PDate {
    var node: UInt32
    var instant: RuleDateTime
}

/// Hash of UTF-8 bytes, shared by documents and compiled literals (not seeded: collisions only
/// cost a byte comparison, no table is ever built from document strings).
@inline(__always)
func stringHash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: bytes.count)
    var i = 0
    let count = bytes.count
    while i + 8 <= count {
        let word = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        h = (h ^ word) &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 29
        i += 8
    }
    if i < count {
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < count {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        h ^= h >> 31
    }
    return h &* 0xBF58_476D_1CE4_E5B9 ^ (h >> 32)
}

/// Accumulates the arena while walking a `JSONValue`.
struct PreparedBuilder {
    /// Objects with more members are sorted with `sort` instead of an insertion sort.
    static let insertionSortLimit = 16
    let keys: KeyTable
    var nodes: ContiguousArray<PNode> = []
    var bytes: ContiguousArray<UInt8> = []
    var dates: ContiguousArray<PDate> = []
    var localKeys: [String] = []
    /// Scratch stack: for an object being filled, the sorted slot of each member in the
    /// dictionary's iteration order (which is stable for one dictionary instance).
    var slots: ContiguousArray<UInt32> = []
    /// Key bytes → id cache, so that each distinct key of the document is hashed by Swift's
    /// `String` hashing (canonical equivalence) only once: open addressing over `cacheEntries`.
    var cacheSlots: ContiguousArray<Int32>
    var cacheEntries: ContiguousArray<(hash: UInt64, offset: UInt32, length: UInt32, id: UInt32)> = []
    var cacheBytes: ContiguousArray<UInt8> = []
    /// Keys of at most 8 bytes, as words (compared without `memcmp`).
    var cacheWords: ContiguousArray<UInt64> = []

    init(keys: KeyTable) {
        self.keys = keys
        nodes.reserveCapacity(256)
        bytes.reserveCapacity(2_048)
        slots.reserveCapacity(64)
        cacheSlots = ContiguousArray(repeating: -1, count: 64)
        // A document has a few dozen distinct keys: room for them up front (not regrown).
        cacheEntries.reserveCapacity(32)
        cacheBytes.reserveCapacity(512)
        cacheWords.reserveCapacity(32)
    }

    mutating func build(_ root: JSONValue) {
        nodes.append(PNode(kind: PNode.null, key: 0, start: 0, count: 0))
        fill(0, root)
        dates.sort { $0.node < $1.node }
        precondition(nodes.count < Int(Int32.max) && bytes.count < Int(UInt32.max), "document too large to prepare")
    }

    mutating func fill(_ slot: Int, _ value: JSONValue) {
        let key = nodes[slot].key
        switch value {
        case .null:
            nodes[slot] = PNode(kind: PNode.null, key: key, start: 0, count: 0)
        case .bool(let flag):
            nodes[slot] = PNode(kind: flag ? PNode.trueValue : PNode.falseValue, key: key, start: 0, count: 0)
        case .number(let number):
            nodes[slot] = PNode(key: key, number: number)
        case .string(let text):
            nodes[slot] = addString(text, slot: slot, key: key)
        case .array(let elements):
            let start = nodes.count
            nodes[slot] = PNode(kind: PNode.array, key: key, start: UInt32(start), count: UInt32(elements.count))
            nodes.append(contentsOf: repeatElement(PNode(kind: PNode.null, key: 0, start: 0, count: 0), count: elements.count))
            var offset = start
            for element in elements {
                fill(offset, element)
                offset += 1
            }
        case .object(let members):
            let start = nodes.count
            let count = members.count
            nodes[slot] = PNode(kind: PNode.object, key: key, start: UInt32(start), count: UInt32(count))
            // Pass 1: key ids, in iteration order; `order` tracks each slot's iteration index.
            let base = slots.count
            var iteration: UInt32 = 0
            for name in members.keys {
                nodes.append(PNode(kind: PNode.null, key: keyID(name), start: 0, count: 0))
                slots.append(iteration)
                iteration += 1
            }
            // Member slots sorted by key id (keys are distinct): insertion sort for the usual small
            // object, a full sort for large ones (insertion sort made a 40k-key object cost minutes).
            if count > Self.insertionSortLimit {
                var pairs = (0..<count).map { (key: nodes[start + $0].key, iteration: slots[base + $0]) }
                pairs.sort { $0.key < $1.key }
                for (offset, pair) in pairs.enumerated() {
                    nodes[start + offset].key = pair.key
                    slots[base + offset] = pair.iteration
                }
            } else if count > 1 {
                for i in 1..<count {
                    var j = i
                    while j > 0 && nodes[start + j - 1].key > nodes[start + j].key {
                        nodes.swapAt(start + j - 1, start + j)
                        slots.swapAt(base + j - 1, base + j)
                        j -= 1
                    }
                }
            }
            // Invert: slot of each iteration index.
            slots.append(contentsOf: repeatElement(0, count: count))
            for position in 0..<count { slots[base + count + Int(slots[base + position])] = UInt32(position) }
            // Pass 2: the values, in the same iteration order, into their sorted slots.
            var k = 0
            for member in members.values {
                fill(start + Int(slots[base + count + k]), member)
                k += 1
            }
            slots.removeLast(2 * count)
        }
    }

    /// The interned id of an object key, or a document-local id (≥ `KeyInterner.localBase`).
    mutating func keyID(_ name: String) -> UInt32 {
        var name = name
        return name.withUTF8 { utf8 -> UInt32 in
            let raw = UnsafeRawBufferPointer(utf8)
            let hash = stringHash(raw)
            let mask = cacheSlots.count - 1
            var slot = Int(truncatingIfNeeded: hash) & mask
            while true {
                let entry = Int(cacheSlots[slot])
                if entry < 0 { break }
                let cached = cacheEntries[entry]
                if cached.hash == hash, Int(cached.length) == utf8.count {
                    let same = utf8.count <= 8
                        ? cacheWords[entry] == Self.word(raw)
                        : cacheBytes.withUnsafeBufferPointer { cachedBytes in
                            memcmp(cachedBytes.baseAddress! + Int(cached.offset), utf8.baseAddress!, utf8.count) == 0
                        }
                    if same { return cached.id }
                }
                slot = (slot + 1) & mask
            }
            let string = String(decoding: utf8, as: UTF8.self)
            let id: UInt32
            if let known = keys.ids[string] {
                id = known
            } else {
                id = KeyInterner.localBase + UInt32(localKeys.count)
                localKeys.append(string)
            }
            cacheSlots[slot] = Int32(cacheEntries.count)
            cacheEntries.append((hash, UInt32(cacheBytes.count), UInt32(utf8.count), id))
            cacheWords.append(utf8.count <= 8 ? Self.word(raw) : 0)
            cacheBytes.append(contentsOf: utf8)
            if cacheEntries.count * 2 > cacheSlots.count { growCache() }
            return id
        }
    }

    /// The bytes of a key of at most 8 bytes as one word (zero-padded).
    @inline(__always)
    static func word(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var word: UInt64 = 0
        withUnsafeMutableBytes(of: &word) { $0.copyMemory(from: bytes) }
        return word
    }

    mutating func growCache() {
        let capacity = cacheSlots.count * 2
        cacheSlots = ContiguousArray(repeating: -1, count: capacity)
        for (index, entry) in cacheEntries.enumerated() {
            var slot = Int(truncatingIfNeeded: entry.hash) & (capacity - 1)
            while cacheSlots[slot] >= 0 { slot = (slot + 1) & (capacity - 1) }
            cacheSlots[slot] = Int32(index)
        }
    }

    mutating func addString(_ text: String, slot: Int, key: UInt32) -> PNode {
        var text = text
        return text.withUTF8 { utf8 in
            var node = PNode(kind: PNode.string, key: key, start: UInt32(bytes.count), count: UInt32(utf8.count))
            node.payload = stringHash(UnsafeRawBufferPointer(utf8))
            bytes.append(contentsOf: utf8)
            // As `ValueSemantics.parseDateTime`: timestamps are 20 to 40 bytes.
            if utf8.count >= 20, utf8.count <= 40, let instant = RuleDateTime.parse(utf8) {
                node.flags = PNode.timestamp
                dates.append(PDate(node: UInt32(slot), instant: instant))
            }
            return node
        }
    }
}

/// The immutable arena of a prepared document.
///
/// `@unchecked Sendable` — why it is safe: every buffer is allocated and fully initialised in
/// `init` (before the object can be shared), never written afterwards (all stored properties are
/// `let`, the pointers are only ever read through), and deallocated in `deinit`, which runs only
/// once no reference — hence no reader — remains. `keys` is an immutable `Sendable` class and
/// `localKeys` an immutable array. Concurrent readers of immutable memory are race-free.
final class PreparedStorage: @unchecked Sendable {
    let nodes: UnsafeMutableBufferPointer<PNode>
    let bytes: UnsafeMutableBufferPointer<UInt8>
    let dates: UnsafeMutableBufferPointer<PDate>
    let keys: KeyTable
    /// Ids below this were looked up in `keys`; a condition key id at or above it (interned after
    /// preparation) is resolved by name against `localKeys`.
    let keyEpoch: UInt32
    let localKeys: [String]

    init(_ builder: PreparedBuilder) {
        nodes = Self.copy(builder.nodes)
        bytes = Self.copy(builder.bytes)
        dates = Self.copy(builder.dates)
        keys = builder.keys
        keyEpoch = builder.keys.count
        localKeys = builder.localKeys
    }

    deinit {
        nodes.deallocate()
        bytes.deallocate()
        dates.deallocate()
    }

    static func copy<T>(_ array: ContiguousArray<T>) -> UnsafeMutableBufferPointer<T> {
        // At least one element so `baseAddress` is never nil; only `array.count` are initialised.
        let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: max(array.count, 1))
        _ = buffer.initialize(from: array)
        return UnsafeMutableBufferPointer(rebasing: buffer[0..<array.count])
    }

    func node(_ id: PreparedDocument.NodeID) -> PNode {
        precondition(Int(id.raw) < nodes.count, "NodeID from another document")
        return nodes[Int(id.raw)]
    }

    func keyName(_ id: UInt32) -> String {
        id >= KeyInterner.localBase ? localKeys[Int(id - KeyInterner.localBase)] : keys.names[Int(id)]
    }

    func string(_ record: PString) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[Int(record.offset)..<Int(record.offset + record.length)]), as: UTF8.self)
    }

    func materialize(_ index: UInt32) -> JSONValue {
        let n = nodes[Int(index)]
        switch n.kind {
        case PNode.null: return .null
        case PNode.falseValue: return .bool(false)
        case PNode.trueValue: return .bool(true)
        case PNode.number: return .number(n.number)
        case PNode.string: return .string(string(n.string))
        case PNode.array: return .array((n.start..<(n.start + n.count)).map(materialize))
        default:
            var members: [String: JSONValue] = [:]
            members.reserveCapacity(Int(n.count))
            for child in n.start..<(n.start + n.count) {
                members[keyName(nodes[Int(child)].key)] = materialize(child)
            }
            return .object(members)
        }
    }
}
