import Audiences

/// SplitMix64: a small seeded generator so failures reproduce.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

/// A random world: a universe, filters `f0…f{n-1}` taking a `v` parameter from a few values,
/// each (filter, value) a random member set (ids partly outside the universe), and random
/// audience trees over them.
struct RandomWorld {
    static let values = ["a", "b", "c"]

    let universe: Set<UInt32>
    let sets: [String: Set<UInt32>]  // "f2=b" → members
    let catalog: FilterCatalog
    let filterCount: Int

    init(using generator: inout SeededGenerator, filterCount: Int = 5) {
        let idRange = UInt32(0)...UInt32(Int.random(in: 5...120, using: &generator))
        func randomSet() -> Set<UInt32> {
            let density = Double.random(in: 0...0.8, using: &generator)
            return Set(idRange.filter { _ in Double.random(in: 0..<1, using: &generator) < density })
        }
        universe = randomSet().union(Set(idRange.filter { _ in Bool.random(using: &generator) }))
        var sets: [String: Set<UInt32>] = [:]
        var filters = [FilterDefinition(id: "all", name: "All", sql: "SELECT id FROM members", universe: true)]
        for index in 0..<filterCount {
            let id = "f\(index)"
            filters.append(FilterDefinition(id: id, name: id, sql: "SELECT member_id FROM facts WHERE f = \(index) AND v = :v",
                                            parameters: [FilterParameter(name: "v", type: .string)]))
            for value in Self.values { sets["\(id)=\(value)"] = randomSet() }
        }
        self.sets = sets
        self.filterCount = filterCount
        catalog = FilterCatalog(filters)
    }

    func source(maxConcurrentQueries: Int = 3) -> InMemoryMemberSource {
        let sets = sets, universe = universe
        return InMemoryMemberSource(maxConcurrentQueries: maxConcurrentQueries) { filter, parameters in
            if filter.universe { return Array(universe) }
            guard case .string(let value) = parameters["v"] else { return [] }
            return Array(sets["\(filter.id)=\(value)"] ?? [])
        }
    }

    /// A random tree at most `maxDepth` groups deep.
    func randomTree(using generator: inout SeededGenerator, depth: Int = 0, maxDepth: Int = 3) -> AudienceDefinition {
        if depth == maxDepth || (depth > 0 && Int.random(in: 0..<3, using: &generator) == 0) || (depth == 0 && Int.random(in: 0..<8, using: &generator) == 0) {
            let filter = "f\(Int.random(in: 0..<filterCount, using: &generator))"
            let value = Self.values.randomElement(using: &generator)!
            return .filter(filter, params: ["v": .string(value)], exclude: Int.random(in: 0..<3, using: &generator) == 0)
        }
        let children = (0..<Int.random(in: 1...4, using: &generator)).map { _ in
            randomTree(using: &generator, depth: depth + 1, maxDepth: maxDepth)
        }
        return Bool.random(using: &generator) ? .all(children) : .any(children)
    }

    /// The straightforward semantics: the members of the domain (universe ∪ every id a filter
    /// of the audience returned) for which the tree's boolean formula holds.
    func reference(_ definition: AudienceDefinition) -> Set<UInt32> {
        let domain = leafSets(definition).reduce(universe) { $0.union($1) }
        return domain.filter { holds(definition, for: $0) }
    }

    /// The reference set of a subtree within the full audience's domain.
    func reference(_ node: AudienceDefinition, domain: Set<UInt32>) -> Set<UInt32> {
        domain.filter { holds(node, for: $0) }
    }

    func domain(of definition: AudienceDefinition) -> Set<UInt32> {
        leafSets(definition).reduce(universe) { $0.union($1) }
    }

    func holds(_ node: AudienceDefinition, for member: UInt32) -> Bool {
        switch node {
        case .all(let children): children.allSatisfy { holds($0, for: member) }
        case .any(let children): children.contains { holds($0, for: member) }
        case .filter(let leaf): set(of: leaf).contains(member) != leaf.exclude
        }
    }

    func set(of leaf: AudienceLeaf) -> Set<UInt32> {
        guard case .string(let value) = leaf.params["v"] else { return [] }
        return sets["\(leaf.filter)=\(value)"] ?? []
    }

    func leafSets(_ node: AudienceDefinition) -> [Set<UInt32>] {
        switch node {
        case .all(let children), .any(let children): children.flatMap(leafSets)
        case .filter(let leaf): [set(of: leaf)]
        }
    }

    /// Every node with its JSON pointer, pre-order (as the engine lists them).
    static func nodes(_ node: AudienceDefinition, path: String = "") -> [(String, AudienceDefinition)] {
        switch node {
        case .all(let children):
            [(path, node)] + children.enumerated().flatMap { nodes($1, path: "\(path)/all/\($0)") }
        case .any(let children):
            [(path, node)] + children.enumerated().flatMap { nodes($1, path: "\(path)/any/\($0)") }
        case .filter:
            [(path, node)]
        }
    }

    /// Whether a node's set contains members matched by none of its filters (a complement).
    static func isComplement(_ node: AudienceDefinition) -> Bool {
        switch node {
        case .all(let children): children.allSatisfy(isComplement)
        case .any(let children): children.contains(where: isComplement)
        case .filter(let leaf): leaf.exclude
        }
    }
}
