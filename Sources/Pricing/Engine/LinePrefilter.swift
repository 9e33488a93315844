import Rules

/// A necessary condition extracted from a `target` condition: the line's `field` must be one of
/// `values`. Lets the engine find a promotion's candidate lines through an inverted index
/// (value → targets) instead of evaluating every target on every line.
struct LinePrefilter: Sendable, Hashable {
    /// The indexed line fields.
    enum Field: Int, Sendable, Hashable, CaseIterable {
        case sku, category, brand, id

        var name: String {
            switch self {
            case .sku: "sku"
            case .category: "category"
            case .brand: "brand"
            case .id: "id"
            }
        }

        func value(of line: borrowing Cart.Line) -> String? {
            switch self {
            case .sku: line.sku
            case .category: line.category
            case .brand: line.brand
            case .id: line.id
            }
        }
    }

    /// The field tested.
    let field: Field
    /// The accepted values (exact UTF-8 strings).
    let values: Set<String>
    /// True when the condition *is* the prefilter (`{"sku": {"$in": [...]}}`), so a line found in
    /// the index matches without evaluating the condition.
    let isExact: Bool

    /// Extracts a prefilter from a normalised condition tree, or `nil` when none is implied.
    ///
    /// Sound for MongoDB semantics on line documents, whose `sku`/`id` are always strings and
    /// whose `category`/`brand` are strings or missing: `$eq`/`$in` of string literals match
    /// exactly those strings (a missing field matches none of them); an `$and` is at most as
    /// permissive as any conjunct; an `$or` of prefilters on one field is their union.
    static func extract(from node: RuleNode) -> LinePrefilter? {
        switch node {
        case .field(let predicate):
            guard predicate.path.segments.count == 1,
                  let field = Field.allCases.first(where: { $0.name.utf8.elementsEqual(predicate.path.segments[0].utf8) })
            else { return nil }
            switch predicate.test {
            case .eq(.value(.string(let value))):
                return LinePrefilter(field: field, values: [value], isExact: true)
            case .in(let literals):
                var values: Set<String> = []
                for literal in literals {
                    guard case .value(.string(let value)) = literal else { return nil }
                    values.insert(value)
                }
                return LinePrefilter(field: field, values: values, isExact: true)
            default:
                return nil
            }
        case .and(let children):
            // The most selective conjunct; never exact (the other conjuncts still apply).
            let candidates = children.compactMap(extract(from:))
            guard let best = candidates.min(by: { $0.values.count < $1.values.count }) else { return nil }
            let exact = children.count == 1 && best.isExact
            return LinePrefilter(field: best.field, values: best.values, isExact: exact)
        case .or(let children):
            guard !children.isEmpty else { return nil }
            var field: Field?
            var values: Set<String> = []
            var exact = true
            for child in children {
                guard let prefilter = extract(from: child), field == nil || field == prefilter.field else { return nil }
                field = prefilter.field
                values.formUnion(prefilter.values)
                exact = exact && prefilter.isExact
            }
            return field.map { LinePrefilter(field: $0, values: values, isExact: exact) }
        case .constant, .nor, .not:
            return nil
        }
    }
}
