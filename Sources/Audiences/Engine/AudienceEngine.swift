import Roaring

/// Evaluates audiences: every distinct leaf filter runs as its own query (through the filter
/// cache: cached results, shared in-flight queries, at most the source's
/// `maxConcurrentQueries` at once per tenant), concurrently; the results are combined as
/// bitmaps without materialising complements (see `docs/audiences.md`).
public struct AudienceEngine: Sendable {
    /// The cache every filter result goes through.
    public let cache: FilterCache
    /// Bounds checked when resolving a definition.
    public var limits: AudienceLimits

    /// An engine over `cache`.
    public init(cache: FilterCache, limits: AudienceLimits = AudienceLimits()) {
        self.cache = cache
        self.limits = limits
    }

    /// Resolves `definition` against `catalog` and evaluates it for `tenant`.
    ///
    /// Throws `AudienceValidationError` (issue paths relative to the definition root) when the
    /// definition is invalid, `FilterQueryError` when a filter's query fails.
    public func evaluate(tenant: String, definition: AudienceDefinition, catalog: FilterCatalog,
                         source: some MemberSource) async throws -> AudienceResult
    {
        let audience = try catalog.resolve(definition, limits: limits)
        return try await evaluate(tenant: tenant, audience: audience, source: source)
    }

    /// Evaluates a resolved audience for `tenant`.
    public func evaluate(tenant: String, audience: ResolvedAudience, source: some MemberSource) async throws -> AudienceResult {
        let clock = ContinuousClock()
        let started = clock.now
        let fetches = try await fetchAll(tenant: tenant, audience: audience, source: source, arrival: started)
        var evaluation = Evaluation(fetches: fetches, clock: clock)
        let root = evaluation.evaluate(audience.root)
        var domain: Bitmap?
        if root.isComplement, let universe = fetches.universe {
            domain = SetTerm.union([universe.members] + fetches.leaves.map(\.members))
        }
        let members = root.materialised(domain: domain)
        var nodes = evaluation.nodes.map { $0.result(domainCount: domain?.count) }
        if let universe = fetches.universe {
            // The universe, fetched alongside the leaves, belongs to no node: the root shows it.
            nodes[0].cached = nodes[0].cached && universe.cached
            nodes[0].ms = max(nodes[0].ms, universe.duration.milliseconds)
        }
        return AudienceResult(
            count: members.count, nodes: nodes, elapsedMs: (clock.now - started).milliseconds,
            usedUniverse: domain != nil,
            queries: (fetches.leaves + [fetches.universe].compactMap { $0 }).filter { $0.origin == .query }.count,
            members: members)
    }

    /// Every distinct request (and the universe when needed), concurrently.
    private func fetchAll(tenant: String, audience: ResolvedAudience, source: some MemberSource,
                          arrival: ContinuousClock.Instant) async throws -> EvaluationFetches
    {
        let cache = cache
        var requests = audience.requests
        if let universe = audience.universe { requests.append(universe) }
        var results = [FilterFetch?](repeating: nil, count: requests.count)
        // One arrival for all (they queue together, slowest first, behind earlier requests), and
        // spawned slowest first (by each key's last query time) for permits that are free.
        let expected = requests.map { cache.expectedQueryDuration(of: $0.key(tenant: tenant)) }
        let order = requests.indices.sorted { expected[$0] > expected[$1] }
        try await withThrowingTaskGroup(of: (Int, FilterFetch).self) { group in
            for index in order {
                let request = requests[index]
                group.addTask {
                    do {
                        return (index, try await cache.fetch(request, tenant: tenant, source: source, arrival: arrival))
                    } catch let error as CancellationError {
                        throw error
                    } catch {
                        throw FilterQueryError(tenant: tenant, filterID: request.filter.id,
                                               paths: Self.paths(using: index, in: audience.root), underlying: error)
                    }
                }
            }
            for try await (index, fetch) in group { results[index] = fetch }
        }
        let fetched = results.map { $0! }
        if audience.universe != nil {
            return EvaluationFetches(leaves: Array(fetched.dropLast()), universe: fetched.last)
        }
        return EvaluationFetches(leaves: fetched, universe: nil)
    }

    private static func paths(using requestIndex: Int, in node: ResolvedAudience.Node) -> [String] {
        switch node {
        case .leaf(let leaf): leaf.requestIndex == requestIndex ? [leaf.path] : []
        case .group(_, let children, _): children.flatMap { paths(using: requestIndex, in: $0) }
        }
    }
}

/// The filter results of one evaluation: one per distinct request, plus the universe when needed.
private struct EvaluationFetches {
    var leaves: [FilterFetch]
    var universe: FilterFetch?
}

/// The bottom-up set algebra of one evaluation, recording each node.
private struct Evaluation {
    struct Node {
        var path: String
        var kind: AudienceNodeResult.Kind
        var filter: String?
        var exclude: Bool?
        var matched: Int?
        var term: SetTerm?
        var cached: Bool
        var ms: Double

        func result(domainCount: Int?) -> AudienceNodeResult {
            AudienceNodeResult(path: path, kind: kind, filter: filter, exclude: exclude,
                               count: term?.count(domainCount: domainCount), matched: matched, cached: cached, ms: ms)
        }
    }

    let fetches: [FilterFetch]
    let universe: FilterFetch?
    let clock: ContinuousClock
    var nodes: [Node] = []

    init(fetches: EvaluationFetches, clock: ContinuousClock) {
        self.fetches = fetches.leaves
        self.universe = fetches.universe
        self.clock = clock
    }

    mutating func evaluate(_ node: ResolvedAudience.Node) -> SetTerm {
        switch node {
        case .leaf(let leaf):
            let fetch = fetches[leaf.requestIndex]
            let term: SetTerm = leaf.exclude ? .complement(fetch.members) : .positive(fetch.members)
            nodes.append(Node(path: leaf.path, kind: .filter, filter: leaf.request.filter.id, exclude: leaf.exclude,
                              matched: fetch.members.count, term: term, cached: fetch.cached,
                              ms: fetch.duration.milliseconds))
            return term
        case .group(let kind, let children, let path):
            let index = nodes.count
            nodes.append(Node(path: path, kind: kind == .all ? .all : .any, term: nil, cached: true, ms: 0))
            var terms: [SetTerm] = []
            var slowest = 0.0
            var cached = true
            for child in children {
                let childIndex = nodes.count
                terms.append(evaluate(child))
                slowest = max(slowest, nodes[childIndex].ms)
                cached = cached && nodes[childIndex].cached
            }
            let started = clock.now
            let term = kind == .all ? SetTerm.all(terms) : SetTerm.any(terms)
            nodes[index].term = term
            nodes[index].cached = cached
            nodes[index].ms = slowest + (clock.now - started).milliseconds
            return term
        }
    }
}
