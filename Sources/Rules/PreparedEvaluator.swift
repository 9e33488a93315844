#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Receives the values a path reaches (node index, or -1 for missing); returns true to stop.
protocol PathVisitor {
    mutating func visit(_ machine: Machine, _ node: Int32) -> Bool
}

/// Evaluates a ``PreparedProgram`` over a ``PreparedStorage`` through raw pointers: everything
/// it reads is trivially copyable, so the hot loop has no retain/release and no allocation.
/// Callers keep both objects alive (`withExtendedLifetime`) while a machine exists.
struct Machine {
    let nodes: UnsafePointer<PNode>
    let bytes: UnsafePointer<UInt8>
    let dates: UnsafePointer<PDate>
    let dateCount: Int
    let keyEpoch: UInt32
    let ops: UnsafePointer<POp>
    let children: UnsafePointer<Int32>
    let leaves: UnsafePointer<PLeaf>
    let segments: UnsafePointer<PSegment>
    let literalStrings: UnsafePointer<PString>
    let literalBytes: UnsafePointer<UInt8>
    let literalNumbers: UnsafePointer<JSONNumber>
    let literalDates: UnsafePointer<RuleDateTime>
    let sets: UnsafePointer<PMemberSet>
    let table: UnsafePointer<PSlot>
    /// For the rare paths only (late-interned keys, deep literals, explanations).
    unowned(unsafe) let document: PreparedStorage
    unowned(unsafe) let program: PreparedProgram

    init(_ program: PreparedProgram, _ document: PreparedStorage) {
        nodes = UnsafePointer(document.nodes.baseAddress!)
        bytes = UnsafePointer(document.bytes.baseAddress!)
        dates = UnsafePointer(document.dates.baseAddress!)
        dateCount = document.dates.count
        keyEpoch = document.keyEpoch
        ops = UnsafePointer(program.ops.baseAddress!)
        children = UnsafePointer(program.children.baseAddress!)
        leaves = UnsafePointer(program.leaves.baseAddress!)
        segments = UnsafePointer(program.segments.baseAddress!)
        literalStrings = UnsafePointer(program.strings.baseAddress!)
        literalBytes = UnsafePointer(program.bytes.baseAddress!)
        literalNumbers = UnsafePointer(program.numbers.baseAddress!)
        literalDates = UnsafePointer(program.dates.baseAddress!)
        sets = UnsafePointer(program.sets.baseAddress!)
        table = UnsafePointer(program.table.baseAddress!)
        self.document = document
        self.program = program
    }

    // MARK: Boolean structure

    func eval(_ op: Int32, _ root: UInt32) -> Bool {
        let o = ops[Int(op)]
        switch o.kind {
        case POp.leaf:
            return leaf(o.first, root)
        case POp.and:
            var c = Int(o.first)
            let end = c + Int(o.count)
            while c < end {
                if !eval(children[c], root) { return false }
                c += 1
            }
            return true
        case POp.or:
            var c = Int(o.first)
            let end = c + Int(o.count)
            while c < end {
                if eval(children[c], root) { return true }
                c += 1
            }
            return false
        case POp.not:
            return !eval(o.first, root)
        default:
            return o.first != 0
        }
    }

    /// One leaf: the path walk is specialised (a generic visitor) for the common tests, so the
    /// per-value test is inlined into the scan with its literal held in registers.
    @inline(__always)
    func leaf(_ index: Int32, _ root: UInt32) -> Bool {
        let l = leaves + Int(index)
        let found: Bool
        switch l.pointee.test {
        case PLeaf.equalsString:
            var visitor = EqualsStringVisitor(expected: literalStrings[Int(l.pointee.argument)])
            found = any(root, l, &visitor)
        case PLeaf.member:
            var visitor = MemberVisitor(set: sets + Int(l.pointee.argument))
            found = any(root, l, &visitor)
        case PLeaf.compareNumber:
            var visitor = CompareNumberVisitor(comparison: l.pointee.comparison, expected: l.pointee.number)
            found = any(root, l, &visitor)
        case PLeaf.equalsNumber:
            var visitor = EqualsNumberVisitor(expected: PNumberKey(l.pointee.number))
            found = any(root, l, &visitor)
        default:
            var visitor = TestVisitor(leaf: l)
            found = any(root, l, &visitor)
        }
        return found != l.pointee.negated
    }

    // MARK: Paths (MongoDB implicit array traversal, see `PathWalker`)

    @inline(__always)
    func any<V: PathVisitor>(_ root: UInt32, _ l: UnsafePointer<PLeaf>, _ visitor: inout V) -> Bool {
        if l.pointee.pathCount == 0 { return visitor.visit(self, Int32(root)) }
        let r = nodes[Int(root)]
        if r.kind == PNode.array {
            // An array root (an array element seen as a document) is keyed "0", "1", …
            let segment = segments[Int(l.pointee.pathStart)]
            guard segment.index >= 0, UInt32(segment.index) < r.count else { return visitor.visit(self, -1) }
            return walk(r.start + UInt32(segment.index), l, 1, &visitor)
        }
        // Inline descent through objects (the usual `customer.tier`, or a line's `sku`); the
        // general walk (a call) only when an array or a scalar is met before the path's end.
        var index = root
        var i: Int32 = 0
        let pathCount = l.pointee.pathCount
        while true {
            if i == pathCount { return end(index, l, &visitor) }
            let n = nodes[Int(index)]
            guard n.kind == PNode.object else { return walk(index, l, i, &visitor) }
            let position = l.pointee.pathStart &+ i
            guard let child = lookup(n, segments[Int(position)], position) else { return visitor.visit(self, -1) }
            index = child
            i &+= 1
        }
    }

    /// `start` is what segments `0 ..< i` reached.
    func walk<V: PathVisitor>(_ start: UInt32, _ l: UnsafePointer<PLeaf>, _ i: Int32, _ visitor: inout V) -> Bool {
        var index = start
        var i = i
        let pathCount = l.pointee.pathCount
        while true {
            if i == pathCount { return end(index, l, &visitor) }
            let n = nodes[Int(index)]
            let position = l.pointee.pathStart &+ i
            let segment = segments[Int(position)]
            if n.kind == PNode.object {
                guard let child = lookup(n, segment, position) else { return visitor.visit(self, -1) }
                index = child
                i &+= 1
                continue
            }
            if n.kind == PNode.array {
                if segment.index >= 0, UInt32(segment.index) < n.count,
                   walk(n.start &+ UInt32(segment.index), l, i &+ 1, &visitor) {
                    return true
                }
                // Each element that is an object is followed with the same segment.
                var e = n.start
                let last = n.start &+ n.count
                let next = i &+ 1
                if next == pathCount && segment.key < keyEpoch {
                    // The common `lines.sku` shape: the segment ends the path.
                    return scanMembers(e, last, segment.key, l, &visitor)
                }
                // Elements are usually alike: try the member position of the previous element first.
                var hint: UInt32 = 0
                while e < last {
                    let element = nodes[Int(e)]
                    if element.kind == PNode.object {
                        if let child = lookup(element, segment, position, hint: &hint) {
                            if walk(child, l, next, &visitor) { return true }
                        } else if visitor.visit(self, -1) {
                            return true
                        }
                    }
                    e &+= 1
                }
                return false
            }
            return visitor.visit(self, -1)
        }
    }

    /// The hot loop of a scan such as `lines.sku`: tests member `key` (interned before the
    /// document was prepared) of each object among the nodes `first ..< last`. Out of line, with
    /// little live state, so the loop keeps its variables in registers.
    @inline(never)
    func scanMembers<V: PathVisitor>(
        _ first: UInt32, _ last: UInt32, _ key: UInt32, _ l: UnsafePointer<PLeaf>, _ visitor: inout V
    ) -> Bool {
        // Elements are usually alike: try the member position of the previous element first.
        var hint: UInt32 = 0
        var e = first
        while e < last {
            let element = nodes[Int(e)]
            e &+= 1
            guard element.kind == PNode.object else { continue }
            var child = element.start &+ hint
            if hint >= element.count || nodes[Int(child)].key != key {
                // Sorted members: linear scan (objects are small; `lookup` for the general case).
                var low = element.start
                let high = element.start &+ element.count
                while low < high && nodes[Int(low)].key < key { low &+= 1 }
                guard low < high && nodes[Int(low)].key == key else {
                    if visitor.visit(self, -1) { return true }
                    continue
                }
                child = low
                hint = low &- element.start
            }
            if nodes[Int(child)].kind == PNode.array {
                if end(child, l, &visitor) { return true }
            } else if visitor.visit(self, Int32(bitPattern: child)) {
                return true
            }
        }
        return false
    }

    /// The path ended at node `index`: an array yields its elements (when the leaf traverses),
    /// then itself.
    @inline(__always)
    func end<V: PathVisitor>(_ index: UInt32, _ l: UnsafePointer<PLeaf>, _ visitor: inout V) -> Bool {
        let n = nodes[Int(index)]
        if n.kind == PNode.array && l.pointee.traverse {
            var e = n.start
            let last = n.start &+ n.count
            while e < last {
                if visitor.visit(self, Int32(bitPattern: e)) { return true }
                e &+= 1
            }
        }
        return visitor.visit(self, Int32(bitPattern: index))
    }

    /// The member of object `n` with the segment's key.
    @inline(__always)
    func lookup(_ n: PNode, _ segment: PSegment, _ position: Int32) -> UInt32? {
        let key = segment.key
        if key >= keyEpoch { return lookupByName(n, position) }
        var low = n.start
        var high = n.start &+ n.count
        // Narrow [low, high) while keeping the first member with key ≥ `key` inside it: that
        // member may be `middle` itself, so the range keeps it (`high = middle + 1`).
        while high &- low > 8 {
            let middle = low &+ (high &- low) / 2
            if nodes[Int(middle)].key < key { low = middle &+ 1 } else { high = middle &+ 1 }
        }
        while low < high {
            let k = nodes[Int(low)].key
            if k >= key { return k == key ? low : nil }
            low &+= 1
        }
        return nil
    }

    /// `lookup`, trying first the member at offset `hint` (updated to the offset found).
    @inline(__always)
    func lookup(_ n: PNode, _ segment: PSegment, _ position: Int32, hint: inout UInt32) -> UInt32? {
        if hint < n.count {
            let candidate = n.start &+ hint
            if nodes[Int(candidate)].key == segment.key && segment.key < keyEpoch { return candidate }
        }
        let found = lookup(n, segment, position)
        if let found { hint = found &- n.start }
        return found
    }

    /// A key interned after the document was prepared: the document has it, if at all, as a
    /// document-local key.
    func lookupByName(_ n: PNode, _ position: Int32) -> UInt32? {
        let name = program.segmentNames[Int(position)]
        for child in n.start..<(n.start &+ n.count) {
            let key = nodes[Int(child)].key
            if key >= KeyInterner.localBase, document.localKeys[Int(key - KeyInterner.localBase)] == name {
                return child
            }
        }
        return nil
    }

    // MARK: Tests

    @inline(__always)
    func check(_ leaf: UnsafePointer<PLeaf>, _ index: Int32) -> Bool {
        let l = leaf.pointee
        guard index >= 0 else {
            // Missing.
            switch l.test {
            case PLeaf.equalsNull: return true
            case PLeaf.member: return sets[Int(l.argument)].containsNull
            default: return false
            }
        }
        let n = nodes[Int(index)]
        switch l.test {
        case PLeaf.equalsString:
            guard n.kind == PNode.string else { return false }
            return stringEquals(n.string, literalStrings[Int(l.argument)])
        case PLeaf.equalsNumber:
            return n.kind == PNode.number && n.numberKey == PNumberKey(l.number)
        case PLeaf.member:
            return member(sets + Int(l.argument), n, index)
        case PLeaf.compareNumber:
            guard n.kind == PNode.number else { return false }
            return l.comparison.accepts(PNumberKey.compare(n.numberKey, PNumberKey(l.number)))
        case PLeaf.equalsBool:
            return n.kind == (l.argument != 0 ? PNode.trueValue : PNode.falseValue)
        case PLeaf.equalsNull:
            return n.kind == PNode.null
        case PLeaf.compareString:
            guard n.kind == PNode.string else { return false }
            return l.comparison.accepts(stringCompare(n.string, literalStrings[Int(l.argument)]))
        case PLeaf.compareDate, PLeaf.equalsDate:
            guard n.kind == PNode.string, n.flags & PNode.timestamp != 0 else { return false }
            let found = instant(UInt32(bitPattern: index)), expected = literalDates[Int(l.argument)]
            if l.test == PLeaf.equalsDate { return found == expected }
            return l.comparison.accepts(found == expected ? 0 : (found < expected ? -1 : 1))
        case PLeaf.compareBool:
            guard n.kind == PNode.falseValue || n.kind == PNode.trueValue else { return false }
            let found = n.kind == PNode.trueValue, expected = l.argument != 0
            return l.comparison.accepts(found == expected ? 0 : (!found ? -1 : 1))
        case PLeaf.exists:
            return true
        case PLeaf.size:
            return n.kind == PNode.array && Int32(bitPattern: n.count) == l.argument
        case PLeaf.elemMatchValue:
            guard n.kind == PNode.array else { return false }
            var e = n.start
            let end = n.start &+ n.count
            while e < end {
                if eval(l.argument, e) { return true }
                e &+= 1
            }
            return false
        case PLeaf.elemMatchDocument:
            guard n.kind == PNode.array else { return false }
            var e = n.start
            let end = n.start &+ n.count
            while e < end {
                let kind = nodes[Int(e)].kind
                if (kind == PNode.object || kind == PNode.array) && eval(l.argument, e) { return true }
                e &+= 1
            }
            return false
        case PLeaf.equalsDeep:
            return deepEquals(UInt32(bitPattern: index), program.deep[Int(l.argument)])
        default:
            return false
        }
    }

    /// The instant of a timestamp string node (binary search in the sorted dates table).
    func instant(_ node: UInt32) -> RuleDateTime {
        var low = 0, high = dateCount
        while low < high {
            let middle = (low + high) / 2
            if dates[middle].node < node { low = middle + 1 } else { high = middle }
        }
        return dates[low].instant
    }

    @inline(__always)
    func stringEquals(_ found: PString, _ expected: PString) -> Bool {
        guard found.hash == expected.hash, found.length == expected.length else { return false }
        return found.length == 0
            || memcmp(bytes + Int(found.offset), literalBytes + Int(expected.offset), Int(found.length)) == 0
    }

    /// Byte-wise (code point) order of a document string and a literal.
    func stringCompare(_ found: PString, _ expected: PString) -> Int {
        let common = Int(min(found.length, expected.length))
        let c = common == 0 ? 0 : Int(memcmp(bytes + Int(found.offset), literalBytes + Int(expected.offset), common))
        if c != 0 { return c < 0 ? -1 : 1 }
        return found.length == expected.length ? 0 : (found.length < expected.length ? -1 : 1)
    }

    /// Kept out of line: inlined into every specialised scan it bloats the loop (register
    /// spills); the visitors call it only after their cheap filters pass.
    @inline(never)
    func member(_ setPointer: UnsafePointer<PMemberSet>, _ n: PNode, _ index: Int32) -> Bool {
        let set = setPointer.pointee
        switch n.kind {
        case PNode.string:
            let found = n.string
            if set.bloom & (1 << (found.hash >> 58)) == 0 || set.bloom2 & (1 << (found.hash >> 52 & 63)) == 0 {
                // Not one of the literal strings.
            } else if set.tableMask > 0 {
                let mask = Int(set.tableMask)
                var slot = Int(truncatingIfNeeded: found.hash) & mask
                while true {
                    let candidate = table[Int(set.tableStart) + slot]
                    if candidate.index < 0 { break }
                    if candidate.hash == found.hash && stringEquals(found, literalStrings[Int(candidate.index)]) { return true }
                    slot = (slot + 1) & mask
                }
            } else {
                var i = Int(set.stringStart)
                let end = i + Int(set.stringCount)
                while i < end {
                    if stringEquals(found, literalStrings[i]) { return true }
                    i += 1
                }
            }
            if set.dateCount > 0, n.flags & PNode.timestamp != 0 {
                let instant = instant(UInt32(bitPattern: index))
                for i in Int(set.dateStart)..<Int(set.dateStart + set.dateCount) where literalDates[i] == instant {
                    return true
                }
            }
            return false
        case PNode.number:
            let number = n.number
            var low = Int(set.numberStart)
            var high = low + Int(set.numberCount)
            while high - low > 4 {  // as in `lookup`: the first literal ≥ `number` stays in [low, high)
                let middle = low + (high - low) / 2
                if JSONNumber.compare(literalNumbers[middle], number) < 0 { low = middle + 1 } else { high = middle + 1 }
            }
            while low < high {
                if literalNumbers[low] == number { return true }
                low += 1
            }
            return false
        case PNode.null: return set.containsNull
        case PNode.falseValue: return set.containsFalse
        case PNode.trueValue: return set.containsTrue
        default:
            // Arrays and objects: deep equality with array/object literals (slow path).
            guard set.deepCount > 0 else { return false }
            for i in Int(set.deepStart)..<Int(set.deepStart + set.deepCount)
            where deepEquals(UInt32(bitPattern: index), program.deep[i]) {
                return true
            }
            return false
        }
    }

    /// Deep equality of a document value with an array/object literal (`ValueSemantics.jsonEqual`).
    func deepEquals(_ index: UInt32, _ expected: JSONValue) -> Bool {
        let n = nodes[Int(index)]
        switch (n.kind, expected) {
        case (PNode.null, .null): return true
        case (PNode.falseValue, .bool(let flag)): return !flag
        case (PNode.trueValue, .bool(let flag)): return flag
        case (PNode.number, .number(let number)): return n.number == number
        case (PNode.string, .string(let text)):
            var text = text
            let found = n.string
            return text.withUTF8 { utf8 in
                utf8.count == Int(found.length)
                    && (utf8.isEmpty || memcmp(bytes + Int(found.offset), utf8.baseAddress!, utf8.count) == 0)
            }
        case (PNode.array, .array(let elements)):
            guard Int(n.count) == elements.count else { return false }
            for (offset, element) in elements.enumerated() where !deepEquals(n.start + UInt32(offset), element) {
                return false
            }
            return true
        case (PNode.object, .object(let members)):
            guard Int(n.count) == members.count else { return false }
            for child in n.start..<(n.start + n.count) {
                guard let other = members[document.keyName(nodes[Int(child)].key)], deepEquals(child, other) else {
                    return false
                }
            }
            return true
        default:
            return false
        }
    }
}

/// Applies a leaf's test to each value reached.
struct TestVisitor: PathVisitor {
    let leaf: UnsafePointer<PLeaf>

    @inline(__always)
    func visit(_ machine: Machine, _ node: Int32) -> Bool {
        machine.check(leaf, node)
    }
}

/// `$eq` on a string literal.
struct EqualsStringVisitor: PathVisitor {
    let expected: PString

    @inline(__always)
    func visit(_ machine: Machine, _ node: Int32) -> Bool {
        guard node >= 0 else { return false }
        let n = machine.nodes[Int(node)]
        return n.kind == PNode.string && machine.stringEquals(n.string, expected)
    }
}

/// `$eq` on a number literal.
struct EqualsNumberVisitor: PathVisitor {
    let expected: PNumberKey

    @inline(__always)
    func visit(_ machine: Machine, _ node: Int32) -> Bool {
        guard node >= 0 else { return false }
        let n = machine.nodes[Int(node)]
        return n.kind == PNode.number && n.numberKey == expected
    }
}

/// `$gt`/`$gte`/`$lt`/`$lte` on a number literal.
struct CompareNumberVisitor: PathVisitor {
    /// Bit `order + 1` set when the comparison accepts `order` (-1, 0, 1): no branch per value.
    let accepted: UInt8
    let expected: PNumberKey

    init(comparison: ComparisonKind, expected: JSONNumber) {
        accepted = (comparison.accepts(-1) ? 1 : 0) | (comparison.accepts(0) ? 2 : 0) | (comparison.accepts(1) ? 4 : 0)
        self.expected = PNumberKey(expected)
    }

    @inline(__always)
    func visit(_ machine: Machine, _ node: Int32) -> Bool {
        guard node >= 0 else { return false }
        let n = machine.nodes[Int(node)]
        guard n.kind == PNode.number else { return false }
        return (accepted >> UInt8(truncatingIfNeeded: PNumberKey.compare(n.numberKey, expected) + 1)) & 1 != 0
    }
}

/// `$in`/`$nin`.
struct MemberVisitor: PathVisitor {
    let set: UnsafePointer<PMemberSet>
    /// The set's Bloom filter words, all ones when timestamp literals may match a string.
    let bloom: UInt64
    let bloom2: UInt64

    init(set: UnsafePointer<PMemberSet>) {
        self.set = set
        let stringsOnly = set.pointee.dateCount == 0
        bloom = stringsOnly ? set.pointee.bloom : ~0
        bloom2 = stringsOnly ? set.pointee.bloom2 : ~0
    }

    @inline(__always)
    func visit(_ machine: Machine, _ node: Int32) -> Bool {
        guard node >= 0 else { return set.pointee.containsNull }
        let n = machine.nodes[Int(node)]
        // Most strings are rejected by the Bloom bits, without touching the set.
        if n.kind == PNode.string && (bloom >> (n.payload >> 58)) & (bloom2 >> (n.payload >> 52 & 63)) & 1 == 0 {
            return false
        }
        return machine.member(set, n, node)
    }
}

/// Collects the values reached (for explanations).
struct FoundVisitor: PathVisitor {
    var found: [UInt32] = []

    mutating func visit(_ machine: Machine, _ node: Int32) -> Bool {
        if node >= 0 { found.append(UInt32(bitPattern: node)) }
        return false
    }
}

extension Machine {
    /// `Program.explain` over the flat program.
    func explain(_ op: Int32, _ root: UInt32, into failures: inout [Explanation.Failure]) -> Bool {
        let o = ops[Int(op)]
        switch o.kind {
        case POp.leaf:
            let matched = leaf(o.first, root)
            if !matched { failures.append(failure(o.first, root)) }
            return matched
        case POp.and:
            var matched = true
            for c in Int(o.first)..<Int(o.first + o.count) where !explain(children[c], root, into: &failures) {
                matched = false
            }
            return matched
        case POp.or:
            var branchFailures: [Explanation.Failure] = []
            for c in Int(o.first)..<Int(o.first + o.count) where explain(children[c], root, into: &branchFailures) {
                return true
            }
            failures.append(contentsOf: branchFailures)
            return false
        case POp.not:
            var ignored: [Explanation.Failure] = []
            return !explain(o.first, root, into: &ignored)
        default:
            return o.first != 0
        }
    }

    func failure(_ leafIndex: Int32, _ root: UInt32) -> Explanation.Failure {
        var l = leaves[Int(leafIndex)]
        l.traverse = false
        var collector = FoundVisitor()
        _ = withUnsafePointer(to: l) { any(root, $0, &collector) }
        let found: JSONValue?
        switch collector.found.count {
        case 0: found = nil
        case 1: found = document.materialize(collector.found[0])
        default: found = .array(collector.found.map(document.materialize))
        }
        return program.sources[Int(leafIndex)].failure(found: found)
    }
}
