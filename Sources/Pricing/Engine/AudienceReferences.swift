import Rules

/// The saved audiences a snapshot's triggers test through `customer.audiences`, so a server
/// looks up only those memberships for each cart (and none when no promotion reads them).
public struct AudienceReferences: Sendable, Hashable {
    /// Audience ids named by `$eq`/`$in`/`$all`/`$ne`/`$nin` on `customer.audiences`.
    public internal(set) var ids: Set<String> = []
    /// A condition reads the memberships without naming them (`$size`, `$exists`, `$elemMatch`,
    /// the whole `customer` object, a literal that is not a string, …): every audience of the
    /// tenant is needed.
    public internal(set) var all = false

    /// No promotion reads `customer.audiences`.
    public var isEmpty: Bool { !all && ids.isEmpty }

    public init() {}

    mutating func add(_ node: RuleNode) {
        switch node {
        case .constant: break
        case .and(let children), .or(let children), .nor(let children):
            for child in children { add(child) }
        case .not(let child): add(child)
        case .field(let predicate):
            let segments = predicate.path.segments
            guard segments.first == "customer" || segments.isEmpty else { return }
            guard segments.count >= 2 else { all = true; return }  // the whole customer (or cart)
            guard segments[1] == "audiences" else { return }
            guard segments.count == 2 else { all = true; return }  // customer.audiences.0
            switch predicate.test {
            case .eq(let literal), .ne(let literal): insert([literal])
            case .in(let list), .nin(let list), .all(let list): insert(list)
            default: all = true
            }
        }
    }

    /// A literal other than a plain string (`["a"]`, `null`, an object, a date) compares the whole
    /// membership list or its presence, so it needs every audience, not only the ones named.
    private mutating func insert(_ literals: [RuleLiteral]) {
        for literal in literals {
            if case .value(.string(let id)) = literal { ids.insert(id) } else { all = true }
        }
    }
}
