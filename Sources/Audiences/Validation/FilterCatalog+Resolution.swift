extension FilterCatalog {
    /// Checks `definition` against this catalog and binds it: unknown filters, missing, extra
    /// and mistyped parameters, empty groups, nesting deeper than `limits.maxDepth`, more leaves
    /// than `limits.maxFilters`, and an exclusion that needs a universe the tenant lacks.
    ///
    /// Issue paths are JSON pointers prefixed by `basePath`, e.g.
    /// `/definition/all/1/params/genre` for `basePath: "/definition"`.
    public func resolve(_ definition: AudienceDefinition, limits: AudienceLimits = AudienceLimits(),
                        basePath: String = "") throws(AudienceValidationError) -> ResolvedAudience
    {
        var resolver = Resolver(catalog: self, limits: limits, basePath: basePath)
        let root = resolver.node(definition, path: "", depth: 0)
        if resolver.leafCount > limits.maxFilters {
            resolver.issues.append(AudienceIssue(code: "too_many_filters",
                                                 message: "an audience uses at most \(limits.maxFilters) filters",
                                                 path: basePath))
        }
        var universeRequest: FilterRequest?
        if let root, resolver.issues.isEmpty, root.isComplement {
            if let universe {
                universeRequest = FilterRequest(filter: universe)
            } else {
                resolver.issues.append(AudienceIssue(
                    code: "universe_required",
                    message: "this audience includes members matched by none of its filters (an exclusion that is not "
                        + "combined with an included filter in an \"all\" group), which needs a universe filter: "
                        + "mark one filter (e.g. SELECT id FROM members) with \"universe\": true",
                    path: basePath))
            }
        }
        guard let root, resolver.issues.isEmpty else { throw AudienceValidationError(issues: resolver.issues) }
        return ResolvedAudience(root: root, requests: resolver.requests, universe: universeRequest)
    }

    /// The problems `resolve(_:limits:basePath:)` would report; empty when the definition is valid.
    public func validate(_ definition: AudienceDefinition, limits: AudienceLimits = AudienceLimits(),
                         basePath: String = "") -> [AudienceIssue]
    {
        do {
            _ = try resolve(definition, limits: limits, basePath: basePath)
            return []
        } catch {
            return error.issues
        }
    }
}

/// Walks a definition, collecting issues and distinct requests.
private struct Resolver {
    let catalog: FilterCatalog
    let limits: AudienceLimits
    let basePath: String
    var issues: [AudienceIssue] = []
    var requests: [FilterRequest] = []
    var requestIndex: [FilterRequestIdentity: Int] = [:]
    var leafCount = 0

    init(catalog: FilterCatalog, limits: AudienceLimits, basePath: String) {
        self.catalog = catalog
        self.limits = limits
        self.basePath = basePath
    }

    mutating func node(_ definition: AudienceDefinition, path: String, depth: Int) -> ResolvedAudience.Node? {
        switch definition {
        case .all(let children): return group(.all, children, path: path, depth: depth + 1)
        case .any(let children): return group(.any, children, path: path, depth: depth + 1)
        case .filter(let leaf): return self.leaf(leaf, path: path)
        }
    }

    private mutating func group(_ kind: ResolvedAudience.GroupKind, _ children: [AudienceDefinition],
                                path: String, depth: Int) -> ResolvedAudience.Node?
    {
        let groupPath = JSONPointer.append(path, kind.rawValue)
        if depth > limits.maxDepth {
            issue("too_deep", "groups nest at most \(limits.maxDepth) levels deep", path)
            return nil
        }
        if children.isEmpty {
            issue("empty_group", "a group needs at least one filter or group", groupPath)
            return nil
        }
        var resolved: [ResolvedAudience.Node] = []
        for (index, child) in children.enumerated() {
            if let node = node(child, path: JSONPointer.append(groupPath, index), depth: depth) { resolved.append(node) }
        }
        guard resolved.count == children.count else { return nil }
        return .group(kind, resolved, path: path)
    }

    private mutating func leaf(_ leaf: AudienceLeaf, path: String) -> ResolvedAudience.Node? {
        leafCount += 1
        guard let filter = catalog[leaf.filter] else {
            issue("unknown_filter", "no filter '\(leaf.filter)'", JSONPointer.append(path, "filter"))
            return nil
        }
        let paramsPath = JSONPointer.append(path, "params")
        var values: [String: ParameterValue] = [:]
        var valid = true
        for name in leaf.params.keys.sorted() where filter.parameter(named: name) == nil {
            issue("unknown_parameter", "filter '\(filter.id)' has no parameter '\(name)'", JSONPointer.append(paramsPath, name))
            valid = false
        }
        for parameter in filter.parameters {
            guard let input = leaf.params[parameter.name] else {
                issue("missing_parameter", "filter '\(filter.id)' needs parameter '\(parameter.name)' (\(parameter.type.rawValue))",
                      paramsPath)
                valid = false
                continue
            }
            switch ParameterValue.parse(input, as: parameter.type, path: basePath + JSONPointer.append(paramsPath, parameter.name)) {
            case .success(let value): values[parameter.name] = value
            case .failure(let problem): issues.append(problem); valid = false
            }
        }
        guard valid else { return nil }
        let request = FilterRequest(filter: filter, parameters: values)
        let identity = FilterRequestIdentity(filterID: filter.id, parameters: request.canonicalParameters)
        let index: Int
        if let known = requestIndex[identity] { index = known }
        else {
            index = requests.count
            requests.append(request)
            requestIndex[identity] = index
        }
        return .leaf(ResolvedAudience.Leaf(request: request, exclude: leaf.exclude, path: path, requestIndex: index))
    }

    private mutating func issue(_ code: String, _ message: String, _ path: String) {
        issues.append(AudienceIssue(code: code, message: message, path: basePath + path))
    }
}

private struct FilterRequestIdentity: Hashable {
    var filterID: String
    var parameters: String
}
