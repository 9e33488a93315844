extension PreparedDocument {
    /// Builds a prepared document directly, without an intermediate ``JSONValue`` (no dictionary
    /// per object, no hashing of keys through `String`), e.g. from a typed model on a hot path.
    ///
    /// Values are written depth-first; every container announces its size up front:
    ///
    /// ```swift
    /// var builder = PreparedDocument.Builder()
    /// builder.beginObject(count: 2)
    ///   builder.key("currency"); builder.string("EUR")
    ///   builder.key("lines"); builder.beginArray(count: 1)
    ///     builder.beginObject(count: 1); builder.key("sku"); builder.string("A"); builder.end()
    ///   builder.end()
    /// builder.end()
    /// let document = builder.finish()   // same document as PreparedDocument(json)
    /// ```
    ///
    /// The result is exactly the document `PreparedDocument(_:)` would prepare from the equivalent
    /// `JSONValue` (same node layout up to member order, same evaluation and explanation results).
    /// Misuse (a value without a key inside an object, a wrong count, duplicate keys, unfinished
    /// containers) is a programming error and traps.
    public struct Builder {
        var inner: PreparedBuilder
        /// Open containers: first child slot, number of children, next child slot, object or array.
        var frames: [(start: Int, count: Int, next: Int, isObject: Bool)] = []
        /// Slot whose key was given and whose value is expected next (objects only).
        var pending: Int?
        var rootWritten = false

        /// Starts an empty document (the root is the first value written).
        public init() {
            inner = PreparedBuilder(keys: KeyInterner.snapshot())
            inner.nodes.append(PNode(kind: PNode.null, key: 0, start: 0, count: 0))
        }

        /// Names the next member of the current object.
        public mutating func key(_ name: String) {
            guard let frame = frames.last, frame.isObject, pending == nil else {
                preconditionFailure("key(_:) outside an object, or two keys in a row")
            }
            precondition(frame.next < frame.start + frame.count, "more members than announced")
            let slot = frame.next
            frames[frames.count - 1].next += 1
            inner.nodes[slot].key = inner.keyID(name)
            pending = slot
        }

        /// The slot of the next value (root, keyed object member, or next array element).
        mutating func nextSlot() -> Int {
            guard let frame = frames.last else {
                precondition(!rootWritten, "the document has a single root value")
                rootWritten = true
                return 0
            }
            if frame.isObject {
                guard let slot = pending else { preconditionFailure("a value inside an object needs a key") }
                pending = nil
                return slot
            }
            precondition(frame.next < frame.start + frame.count, "more elements than announced")
            frames[frames.count - 1].next += 1
            return frame.next
        }

        /// Writes any JSON value (objects and arrays included).
        public mutating func value(_ value: JSONValue) {
            let slot = nextSlot()
            inner.fill(slot, value)
        }

        /// Writes a string.
        public mutating func string(_ text: String) { value(.string(text)) }

        /// Writes a number.
        public mutating func number(_ number: JSONNumber) { value(.number(number)) }

        /// Writes a boolean.
        public mutating func bool(_ flag: Bool) { value(.bool(flag)) }

        /// Writes null.
        public mutating func null() { value(.null) }

        /// Opens an object of exactly `count` members (close it with ``end()``).
        public mutating func beginObject(count: Int) {
            begin(count: count, kind: PNode.object)
        }

        /// Opens an array of exactly `count` elements (close it with ``end()``).
        public mutating func beginArray(count: Int) {
            begin(count: count, kind: PNode.array)
        }

        mutating func begin(count: Int, kind: UInt8) {
            precondition(count >= 0)
            let slot = nextSlot()
            let start = inner.nodes.count
            let key = inner.nodes[slot].key
            inner.nodes[slot] = PNode(kind: kind, key: key, start: UInt32(start), count: UInt32(count))
            inner.nodes.append(contentsOf: repeatElement(PNode(kind: PNode.null, key: 0, start: 0, count: 0), count: count))
            frames.append((start, count, start, kind == PNode.object))
        }

        /// Closes the innermost open object or array.
        public mutating func end() {
            guard let frame = frames.popLast() else { preconditionFailure("end() without an open container") }
            precondition(pending == nil, "a key without a value")
            precondition(frame.next == frame.start + frame.count, "fewer children than announced")
            guard frame.isObject, frame.count > 1 else { return }
            // Members sorted by key id, as `PreparedBuilder.fill` lays them out. Nothing refers to
            // a member slot except the dates table (timestamps), fixed up after the moves.
            let range = frame.start..<(frame.start + frame.count)
            var sorted = true
            for i in range.dropFirst() where inner.nodes[i - 1].key >= inner.nodes[i].key { sorted = false; break }
            if sorted { return }
            var order = Array(range)
            order.sort { inner.nodes[$0].key < inner.nodes[$1].key }
            let moved = order.map { inner.nodes[$0] }
            for (offset, node) in moved.enumerated() {
                if offset > 0 { precondition(moved[offset - 1].key != node.key, "duplicate key") }
                inner.nodes[frame.start + offset] = node
            }
            if !inner.dates.isEmpty {
                var newSlot = [Int: Int]()
                for (offset, old) in order.enumerated() { newSlot[old] = frame.start + offset }
                for d in inner.dates.indices {
                    if let slot = newSlot[Int(inner.dates[d].node)] { inner.dates[d].node = UInt32(slot) }
                }
            }
        }

        /// The finished document.
        public consuming func finish() -> PreparedDocument {
            precondition(frames.isEmpty && rootWritten, "unfinished document")
            inner.dates.sort { $0.node < $1.node }
            precondition(inner.nodes.count < Int(Int32.max) && inner.bytes.count < Int(UInt32.max), "document too large to prepare")
            return PreparedDocument(storage: PreparedStorage(inner))
        }
    }

    init(storage: PreparedStorage) {
        self.storage = storage
    }
}
