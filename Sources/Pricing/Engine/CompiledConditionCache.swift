import Rules

/// The conditions one snapshot compiled, handed to the next build so that a promotion write
/// recompiles only the conditions it changed: normalising and compiling a 10,000-sku `$in`
/// again on every write took most of a rebuild (≈ 60 ms in release).
///
/// Keyed by the condition as written (``Key``: canonical JSON bytes before normalisation, and
/// each field's origin): exact, and independent of promotion ids and versions, which a deleted
/// and re-created promotion reuses. A snapshot's cache holds only its own conditions, so it
/// never grows past what is priced.
final class CompiledConditionCache: Sendable {
    /// A condition as written. The canonical JSON leaves out where each field was written (its
    /// JSON pointer, which explanations report as `detail.path`), and differently written
    /// conditions can share it (`{"a": 1}` and `{"$and": [{"a": 1}]}`): the origins, in
    /// traversal order, are part of the key.
    struct Key: Hashable, Sendable {
        let canonical: CanonicalBytes
        /// The tree as written, for its origins: shared with the promotion (no copy is held).
        let written: RuleNode

        static func == (lhs: Key, rhs: Key) -> Bool {
            lhs.canonical == rhs.canonical
                && origins(lhs.written).elementsEqual(origins(rhs.written)) { $0.utf8.elementsEqual($1.utf8) }
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(canonical)
        }

        /// Every field's origin, in traversal order.
        static func origins(_ node: RuleNode) -> [String] {
            var origins: [String] = []
            func collect(_ node: RuleNode) {
                switch node {
                case .constant: break
                case .and(let children), .or(let children), .nor(let children): children.forEach(collect)
                case .not(let child): collect(child)
                case .field(let predicate):
                    origins.append(predicate.origin)
                    if case .elemMatch(.value(let inner)) = predicate.test { collect(inner) }
                    if case .elemMatch(.document(let inner)) = predicate.test { collect(inner) }
                }
            }
            collect(node)
            return origins
        }

        /// The same key over other (equal) canonical bytes: lets equal bytes be held once.
        func sharing(_ bytes: CanonicalBytes) -> Key {
            bytes == canonical ? Key(canonical: bytes, written: written) : self
        }
    }

    struct Conjunct {
        /// Canonical bytes of the normalised conjunct (shared across triggers by it).
        let key: CanonicalBytes
        let compiled: CompiledCondition
        let native: CartPredicate?
    }

    struct Trigger {
        /// Canonical bytes of the normalised trigger (promotions share a trigger by it and by
        /// ``root``'s field pointers).
        let key: CanonicalBytes
        /// The normalised syntax tree.
        let root: RuleNode
        let compiled: CompiledCondition
        let conjuncts: [Conjunct]
        /// The index's necessary disjunctions on the cart (``PromotionIndex/alternatives(_:line:)``).
        let alternatives: [PromotionIndex.Alternative]

        init(_ condition: Condition) {
            let normalized = condition.normalized()
            key = CanonicalBytes(normalized.json)
            root = normalized.root
            compiled = normalized.compile()
            alternatives = PromotionIndex.alternatives(root, line: false)
            let parts: [RuleNode] = if case .and(let children) = root { children } else { [root] }
            let whole = key
            conjuncts = parts.map { part in
                // A trigger that is one conjunct shares its key's bytes (they are held as long as the snapshot).
                Conjunct(key: parts.count == 1 ? whole : CanonicalBytes(part.canonicalJSON), compiled: Condition(part).compile(),
                         native: CartPredicate.compile(part))
            }
        }
    }

    struct Target {
        /// Canonical bytes of the normalised target.
        let key: CanonicalBytes
        let root: RuleNode
        /// The index's cheapest access predicate for lines, if any.
        let alternative: PromotionIndex.Alternative?
        let matcher: TargetMatcher
        /// False when the index alone decides the target (every key exact) or it is evaluated
        /// natively: then the line document is never read for it.
        let readsLineDocument: Bool

        init(_ condition: Condition) {
            let normalized = condition.normalized()
            key = CanonicalBytes(normalized.json)
            root = normalized.root
            alternative = PromotionIndex.alternatives(root, line: true).min { $0.cost < $1.cost }
            let native = LinePredicate.compile(root)
            matcher = TargetMatcher(condition: normalized.compile(), native: native)
            let decidedByIndex = alternative.map { $0.exact.allSatisfy { $0 } } ?? false
            readsLineDocument = !decidedByIndex && native == nil
        }
    }

    let triggers: [Key: Trigger]
    let targets: [Key: Target]

    init(triggers: [Key: Trigger] = [:], targets: [Key: Target] = [:]) {
        self.triggers = triggers
        self.targets = targets
    }

    /// The cache key of a condition as written.
    static func key(_ condition: Condition) -> Key {
        Key(canonical: CanonicalBytes(condition.json), written: condition.root)
    }
}

/// A condition's canonical JSON text as bytes: conditions compare strings byte-wise, so two
/// conditions are the same exactly when these are (`Condition`'s `==` follows Swift's
/// Unicode-canonical string equality instead). Hashed once, in one pass over the bytes: a
/// 10,000-sku `$in` is ≈ 150 KB, looked up in several tables per build (`[UInt8]`'s own hashing
/// feeds the hasher byte by byte, which took a large part of each rebuild).
struct CanonicalBytes: Hashable, Sendable {
    let bytes: [UInt8]
    private let hash: Int

    init(_ json: JSONValue) {
        bytes = json.jsonBytes
        var hasher = Hasher()
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
        hash = hasher.finalize()
    }

    static func == (lhs: CanonicalBytes, rhs: CanonicalBytes) -> Bool {
        lhs.hash == rhs.hash && lhs.bytes == rhs.bytes
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(hash)
    }
}
