import Roaring

/// A node's set, kept in a form that never materialises a complement: either `S` itself or
/// "the domain minus `S`" (the domain being the universe plus every id a filter returned).
///
/// Rewrite rules (P = positive children, C = complemented children `¬Cᵢ`):
/// - `all(P…, ¬C…)` = `(⋂P) − (⋃C)`; with no P: `¬(⋃C)` (De Morgan).
/// - `any(P…)` = `⋃P`; with C: `¬((⋂C) − (⋃P))`, since `⋃P ∪ ⋃(D−Cᵢ) = D − (⋂C − ⋃P)`.
/// Only a complemented root needs the domain (and thus the universe).
enum SetTerm {
    case positive(Bitmap)
    case complement(Bitmap)

    var isComplement: Bool {
        if case .complement = self { return true }
        return false
    }

    /// The bitmap `S` (the set itself, or what is removed from the domain).
    var bitmap: Bitmap {
        switch self {
        case .positive(let set), .complement(let set): set
        }
    }

    /// Size of the node's set; for a complement only when the domain is known (S ⊆ domain).
    func count(domainCount: Int?) -> Int? {
        switch self {
        case .positive(let set): set.count
        case .complement(let set): domainCount.map { $0 - set.count }
        }
    }

    /// The set itself given the domain.
    func materialised(domain: Bitmap?) -> Bitmap {
        switch self {
        case .positive(let set): return set
        case .complement(let set):
            guard let domain else { preconditionFailure("a complemented set needs the domain") }
            return domain.subtracting(set)
        }
    }

    static func all(_ terms: [SetTerm]) -> SetTerm {
        var positives: [Bitmap] = [], complements: [Bitmap] = []
        for term in terms {
            switch term {
            case .positive(let set): positives.append(set)
            case .complement(let set): complements.append(set)
            }
        }
        guard !positives.isEmpty else { return .complement(union(complements)) }
        positives.sort { $0.count < $1.count }  // smallest first: intersections shrink fastest
        var result = positives[0]
        for set in positives.dropFirst() {
            if result.isEmpty { break }
            result.formIntersection(set)
        }
        for set in complements {
            if result.isEmpty { break }
            result.subtract(set)
        }
        return .positive(result)
    }

    static func any(_ terms: [SetTerm]) -> SetTerm {
        var positives: [Bitmap] = [], complements: [Bitmap] = []
        for term in terms {
            switch term {
            case .positive(let set): positives.append(set)
            case .complement(let set): complements.append(set)
            }
        }
        guard !complements.isEmpty else { return .positive(union(positives)) }
        complements.sort { $0.count < $1.count }
        var removed = complements[0]
        for set in complements.dropFirst() {
            if removed.isEmpty { break }
            removed.formIntersection(set)
        }
        for set in positives {
            if removed.isEmpty { break }
            removed.subtract(set)
        }
        return .complement(removed)
    }

    static func union(_ sets: [Bitmap]) -> Bitmap {
        guard let largest = sets.indices.max(by: { sets[$0].count < sets[$1].count }) else { return Bitmap() }
        var result = sets[largest]
        for index in sets.indices where index != largest { result.formUnion(sets[index]) }
        return result
    }
}
