/// The evaluation form of a compiled condition for ``PreparedDocument``s: the ``Program`` tree
/// flattened into arrays of trivially-copyable instructions (no enum payloads, no references),
/// with path segments interned to key ids and literals pre-hashed.
struct POp {
    static let constant: UInt8 = 0, and: UInt8 = 1, or: UInt8 = 2, not: UInt8 = 3, leaf: UInt8 = 4

    var kind: UInt8
    /// and/or: first index in `children`; not: the child op; leaf: the leaf; constant: 0 or 1.
    var first: Int32
    /// and/or: number of children.
    var count: Int32
}

/// One path segment: interned key id and array position (-1 when not a number).
struct PSegment {
    var key: UInt32
    var index: Int32
}

/// A compiled leaf (trivially copyable).
struct PLeaf {
    static let equalsNull: UInt8 = 0, equalsString: UInt8 = 1, equalsNumber: UInt8 = 2, equalsBool: UInt8 = 3
    static let equalsDate: UInt8 = 4, equalsDeep: UInt8 = 5, compareNumber: UInt8 = 6, compareString: UInt8 = 7
    static let compareDate: UInt8 = 8, compareBool: UInt8 = 9, never: UInt8 = 10, member: UInt8 = 11
    static let exists: UInt8 = 12, size: UInt8 = 13, elemMatchValue: UInt8 = 14, elemMatchDocument: UInt8 = 15

    var test: UInt8
    var comparison: ComparisonKind
    var negated: Bool
    var traverse: Bool
    var pathStart: Int32
    var pathCount: Int32
    /// Literal string / date / deep literal / member set index, sub-program op, size, or bool.
    var argument: Int32
    var number: JSONNumber
}

/// A `$in`/`$nin` list split by type.
struct PMemberSet {
    var containsNull: Bool
    var containsFalse: Bool
    var containsTrue: Bool
    /// A two-word Bloom filter of the literal strings (bit `hash >> 58` of `bloom`, bit
    /// `hash >> 52 & 63` of `bloom2`): most non-members are rejected without a memory access.
    var bloom: UInt64
    var bloom2: UInt64
    /// Literal strings `stringStart ..< stringStart + stringCount` (linear scan when `tableMask` is 0).
    var stringStart: Int32
    var stringCount: Int32
    /// Open-addressing table of (hash, literal string index) at `tableStart`, size `tableMask + 1`.
    var tableStart: Int32
    var tableMask: Int32
    /// Literal numbers, sorted (binary search when more than a few).
    var numberStart: Int32
    var numberCount: Int32
    var dateStart: Int32
    var dateCount: Int32
    /// Array and object literals (deep equality, slow path).
    var deepStart: Int32
    var deepCount: Int32
}

/// A slot of a member set's string table (index -1: empty).
struct PSlot {
    var hash: UInt64
    var index: Int32
}

/// The flattened program.
///
/// `@unchecked Sendable` — why it is safe: the same argument as ``PreparedStorage``: all buffers
/// are allocated and initialised in `init`, only read afterwards (every stored property is a
/// `let`), and freed in `deinit` when no reader can remain. The remaining properties are
/// immutable arrays of `Sendable` values.
final class PreparedProgram: @unchecked Sendable {
    let ops: UnsafeMutableBufferPointer<POp>
    let children: UnsafeMutableBufferPointer<Int32>
    let leaves: UnsafeMutableBufferPointer<PLeaf>
    let segments: UnsafeMutableBufferPointer<PSegment>
    let strings: UnsafeMutableBufferPointer<PString>
    let bytes: UnsafeMutableBufferPointer<UInt8>
    let numbers: UnsafeMutableBufferPointer<JSONNumber>
    let dates: UnsafeMutableBufferPointer<RuleDateTime>
    let sets: UnsafeMutableBufferPointer<PMemberSet>
    let table: UnsafeMutableBufferPointer<PSlot>
    /// The root op.
    let root: Int32
    /// Segment names (parallel to `segments`), for keys interned after a document was prepared.
    let segmentNames: [String]
    /// Array/object literals (parallel index space of `deep` arguments).
    let deep: [JSONValue]
    /// The source leaves (parallel to `leaves`), for explanations.
    let sources: [CompiledLeaf]

    init(_ program: Program) {
        // Every new segment in one copy of the key table; then each leaf finds its ids in the
        // snapshot (interning leaf by leaf copied the table once per new leaf: quadratic).
        var allSegments: [String] = []
        program.collectSegments(into: &allSegments)
        _ = KeyInterner.intern(allSegments)
        var builder = PreparedProgramBuilder()
        let root = builder.add(program)
        self.root = root
        ops = PreparedStorage.copy(builder.ops)
        children = PreparedStorage.copy(builder.children)
        leaves = PreparedStorage.copy(builder.leaves)
        segments = PreparedStorage.copy(builder.segments)
        strings = PreparedStorage.copy(builder.strings)
        bytes = PreparedStorage.copy(builder.bytes)
        numbers = PreparedStorage.copy(builder.numbers)
        dates = PreparedStorage.copy(builder.dates)
        sets = PreparedStorage.copy(builder.sets)
        table = PreparedStorage.copy(builder.table)
        segmentNames = builder.segmentNames
        deep = builder.deep
        sources = builder.sources
    }

    deinit {
        ops.deallocate()
        children.deallocate()
        leaves.deallocate()
        segments.deallocate()
        strings.deallocate()
        bytes.deallocate()
        numbers.deallocate()
        dates.deallocate()
        sets.deallocate()
        table.deallocate()
    }
}

struct PreparedProgramBuilder {
    var ops: ContiguousArray<POp> = []
    var children: ContiguousArray<Int32> = []
    var leaves: ContiguousArray<PLeaf> = []
    var segments: ContiguousArray<PSegment> = []
    var strings: ContiguousArray<PString> = []
    var bytes: ContiguousArray<UInt8> = []
    var numbers: ContiguousArray<JSONNumber> = []
    var dates: ContiguousArray<RuleDateTime> = []
    var sets: ContiguousArray<PMemberSet> = []
    var table: ContiguousArray<PSlot> = []
    var segmentNames: [String] = []
    var deep: [JSONValue] = []
    var sources: [CompiledLeaf] = []

    /// Adds a program, returning its op index.
    mutating func add(_ program: Program) -> Int32 {
        switch program {
        case .constant(let value):
            return op(POp(kind: POp.constant, first: value ? 1 : 0, count: 0))
        case .and(let list), .or(let list):
            let indexes = list.map { add($0) }
            let first = Int32(children.count)
            children.append(contentsOf: indexes)
            let kind: UInt8
            if case .and = program { kind = POp.and } else { kind = POp.or }
            return op(POp(kind: kind, first: first, count: Int32(indexes.count)))
        case .not(let child):
            let index = add(child)
            return op(POp(kind: POp.not, first: index, count: 0))
        case .leaf(let leaf):
            let index = addLeaf(leaf)
            return op(POp(kind: POp.leaf, first: index, count: 0))
        }
    }

    mutating func op(_ op: POp) -> Int32 {
        ops.append(op)
        return Int32(ops.count - 1)
    }

    mutating func addLeaf(_ leaf: CompiledLeaf) -> Int32 {
        let ids = KeyInterner.intern(leaf.path.segments)
        let pathStart = Int32(segments.count)
        for (i, id) in ids.enumerated() {
            let position = leaf.path.indexes[i].map { Int32($0) } ?? -1
            segments.append(PSegment(key: id, index: position))
            segmentNames.append(leaf.path.segments[i])
        }
        var compiled = PLeaf(
            test: PLeaf.never, comparison: .gt, negated: leaf.negated, traverse: leaf.traverse,
            pathStart: pathStart, pathCount: Int32(ids.count), argument: 0, number: .zero)
        switch leaf.test {
        case .equalsNull: compiled.test = PLeaf.equalsNull
        case .equalsString(let text):
            compiled.test = PLeaf.equalsString
            compiled.argument = addString(text)
        case .equalsNumber(let number):
            compiled.test = PLeaf.equalsNumber
            compiled.number = number
        case .equalsBool(let flag):
            compiled.test = PLeaf.equalsBool
            compiled.argument = flag ? 1 : 0
        case .equalsOther(let literal):
            setEquality(&compiled, literal)
        case .compareNumber(let kind, let number):
            compiled.test = PLeaf.compareNumber
            compiled.comparison = kind
            compiled.number = number
        case .compareString(let kind, let text):
            compiled.test = PLeaf.compareString
            compiled.comparison = kind
            compiled.argument = addString(text)
        case .compareOther(let kind, let literal):
            compiled.comparison = kind
            setComparison(&compiled, kind, literal)
        case .never: compiled.test = PLeaf.never
        case .member(let set):
            compiled.test = PLeaf.member
            compiled.argument = addSet(set)
        case .exists: compiled.test = PLeaf.exists
        case .size(let count):
            compiled.test = PLeaf.size
            compiled.argument = Int32(clamping: count)
            if count > Int(Int32.max) || count < 0 { compiled.test = PLeaf.never }
        case .elemMatchValue(let program):
            compiled.test = PLeaf.elemMatchValue
            compiled.argument = add(program)
        case .elemMatchDocument(let program):
            compiled.test = PLeaf.elemMatchDocument
            compiled.argument = add(program)
        }
        leaves.append(compiled)
        sources.append(leaf)
        return Int32(leaves.count - 1)
    }

    mutating func setEquality(_ leaf: inout PLeaf, _ literal: RuleLiteral) {
        switch literal {
        case .dateTime(let instant):
            leaf.test = PLeaf.equalsDate
            leaf.argument = Int32(dates.count)
            dates.append(instant)
        case .value(.null): leaf.test = PLeaf.equalsNull
        case .value(.bool(let flag)):
            leaf.test = PLeaf.equalsBool
            leaf.argument = flag ? 1 : 0
        case .value(.number(let number)):
            leaf.test = PLeaf.equalsNumber
            leaf.number = number
        case .value(.string(let text)):
            leaf.test = PLeaf.equalsString
            leaf.argument = addString(text)
        case .value(let value):
            leaf.test = PLeaf.equalsDeep
            leaf.argument = Int32(deep.count)
            deep.append(value)
        }
    }

    /// `ValueSemantics.compare` for the literal kinds `CompiledTest.comparison` leaves as "other".
    mutating func setComparison(_ leaf: inout PLeaf, _ kind: ComparisonKind, _ literal: RuleLiteral) {
        switch literal {
        case .dateTime(let instant):
            leaf.test = PLeaf.compareDate
            leaf.argument = Int32(dates.count)
            dates.append(instant)
        case .value(.bool(let flag)):
            leaf.test = PLeaf.compareBool
            leaf.argument = flag ? 1 : 0
        case .value(.number(let number)):
            leaf.test = PLeaf.compareNumber
            leaf.number = number
        case .value(.string(let text)):
            leaf.test = PLeaf.compareString
            leaf.argument = addString(text)
        case .value(.null):
            // null compares equal to null and missing, never orders.
            leaf.test = kind == .gte || kind == .lte ? PLeaf.equalsNull : PLeaf.never
        case .value:
            leaf.test = PLeaf.never  // arrays and objects never order
        }
    }

    mutating func addString(_ text: String) -> Int32 {
        var text = text
        let record = text.withUTF8 { utf8 in
            let offset = UInt32(bytes.count)
            bytes.append(contentsOf: utf8)
            return PString(offset: offset, length: UInt32(utf8.count), hash: stringHash(UnsafeRawBufferPointer(utf8)))
        }
        strings.append(record)
        return Int32(strings.count - 1)
    }

    mutating func addSet(_ set: MemberSet) -> Int32 {
        let stringStart = Int32(strings.count)
        var bloom: UInt64 = 0, bloom2: UInt64 = 0
        for text in set.strings {
            let hash = strings[Int(addString(text))].hash
            bloom |= 1 << (hash >> 58)
            bloom2 |= 1 << (hash >> 52 & 63)
        }
        var tableStart: Int32 = 0, tableMask: Int32 = 0
        if set.strings.count > 4 {
            var capacity = 8
            while capacity < set.strings.count * 4 { capacity <<= 1 }
            tableStart = Int32(table.count)
            tableMask = Int32(capacity - 1)
            let base = table.count
            table.append(contentsOf: repeatElement(PSlot(hash: 0, index: -1), count: capacity))
            for i in 0..<set.strings.count {
                let index = stringStart + Int32(i)
                let hash = strings[Int(index)].hash
                var slot = Int(truncatingIfNeeded: hash) & (capacity - 1)
                while table[base + slot].index >= 0 { slot = (slot + 1) & (capacity - 1) }
                table[base + slot] = PSlot(hash: hash, index: index)
            }
        }
        let numberStart = Int32(numbers.count)
        numbers.append(contentsOf: Set(set.numbers).sorted())
        let numberCount = Int32(numbers.count) - numberStart
        let dateStart = Int32(dates.count), deepStart = Int32(deep.count)
        for literal in set.others {
            switch literal {
            case .dateTime(let instant): dates.append(instant)
            case .value(let value): deep.append(value)
            }
        }
        sets.append(PMemberSet(
            containsNull: set.containsNull, containsFalse: set.containsFalse, containsTrue: set.containsTrue,
            bloom: bloom, bloom2: bloom2, stringStart: stringStart, stringCount: Int32(set.strings.count),
            tableStart: tableStart, tableMask: tableMask,
            numberStart: numberStart, numberCount: numberCount,
            dateStart: dateStart, dateCount: Int32(dates.count) - dateStart,
            deepStart: deepStart, deepCount: Int32(deep.count) - deepStart))
        return Int32(sets.count - 1)
    }
}
