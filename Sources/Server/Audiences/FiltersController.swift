import Audiences
import Foundation
import Hummingbird
import Rules
import Storage

/// `/v1/filters`: a tenant's filter catalog. Saving validates the definition (shape, SQL
/// placeholders vs declared parameters, one universe) and prepares the query against the
/// tenant's member source; every problem is a 400 with a JSON pointer.
struct FiltersController {
    let service: AudienceService
    let body: RequestBody

    func addRoutes(to group: RouterGroup<MarqueeRequestContext>) {
        group.get("filters", use: list)
        group.post("filters", use: create)
        group.get("filters/{id}", use: show)
        group.put("filters/{id}", use: replace)
        group.delete("filters/{id}", use: delete)
    }

    @Sendable func list(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.read)
        return JSONResponse.make(["filters": try await service.store.filters.list(tenant: caller.tenant.id)])
    }

    @Sendable func show(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.read)
        guard let filter = try await service.store.filters.get(tenant: caller.tenant.id, id: try context.parameters.require("id")) else {
            throw APIError.notFound("filter")
        }
        return JSONResponse.make(filter, headers: ETag.header(filter.version))
    }

    @Sendable func create(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.manage)
        let filter = try await decode(request).filter
        if try await service.store.filters.get(tenant: caller.tenant.id, id: filter.id) != nil {
            throw APIError(status: .conflict, code: "already_exists", message: "a filter with id \"\(filter.id)\" exists", path: "/id")
        }
        let stored = try await save(filter, tenant: caller.tenant.id, expectedVersion: 0).filter
        return JSONResponse.make(stored, status: .created, headers: ETag.header(stored.version))
    }

    @Sendable func replace(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.manage)
        let id = try context.parameters.require("id")
        let (filter, bodyVersion) = try await decode(request, id: id)
        // If-Match (or "version" in the body) guards against overwriting someone else's edit.
        let expected = try ETag.expectedVersion(request) ?? bodyVersion
        let (stored, created) = try await save(filter, tenant: caller.tenant.id, expectedVersion: expected)
        return JSONResponse.make(stored, status: created ? .created : .ok, headers: ETag.header(stored.version))
    }

    @Sendable func delete(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.manage)
        let id = try context.parameters.require("id")
        let limits = service.configuration.limits
        // Checked in the delete's transaction under the tenant's catalog lock: the cached catalog
        // can be seconds old (another instance's changes) and an audience save can race it.
        let deleted = try await service.store.filters.delete(tenant: caller.tenant.id, id: id) { state in
            let users = state.audiences.filter { $0.definition.uses(filter: id) }
            if !users.isEmpty {
                throw APIError(status: .conflict, code: "filter_in_use",
                               message: "filter \"\(id)\" is used by audiences: " + users.map(\.id).joined(separator: ", "))
            }
            // The universe is used by every audience with an exclusion, though none names it.
            try Self.refuseBreakingSavedAudiences(state, changedTo: FilterCatalog(state.filters.filter { $0.id != id }),
                                                  change: "deleting filter \"\(id)\"", limits: limits)
        }
        guard deleted else { throw APIError.notFound("filter") }
        service.filterChanged(tenant: caller.tenant.id, filterID: id)
        return Response(status: .noContent)
    }

    /// The body as a filter (`id` from the URL when given; a different id in the body is 400),
    /// and the `version` it names, if any (the version being edited).
    func decode(_ request: Request, id: String? = nil) async throws -> (filter: FilterDefinition, version: Int?) {
        var (value, data) = try await body.checkedJSON(request)
        guard case .object(var members) = value else {
            throw APIError.badRequest("expected a JSON object", path: "", code: "wrong_type")
        }
        if let id {
            if let given = members["id"], given != .string(id) {
                throw APIError.badRequest("the id in the body must match the URL", path: "/id", code: "id_mismatch")
            }
            members["id"] = .string(id)
            value = .object(members)
            data = Data(value.jsonText.utf8)  // numbers keep their text
        }
        // A misspelt `universe` or `cacheTTLSeconds` was dropped in silence.
        try RequestBody.refuseUnknownMembers(value, fields: ["id", "name", "description", "sql", "parameters", "cacheTTLSeconds", "universe", "version"])
        let filter = try decodeFilter(data, body: value)
        return (filter, members["version"] != nil ? filter.version : nil)
    }

    func decodeFilter(_ data: Data, body: JSONValue) throws -> FilterDefinition {
        do {
            return try JSONDecoder().decode(FilterDefinition.self, from: data)
        } catch let error as DecodingError {
            throw AudienceErrors.decoding(error, body: body)
        }
    }

    /// 409 `filter_in_use` when changing the catalog to `updated` would make saved audiences that
    /// resolve now stop resolving (a renamed or retyped parameter, a universe taken away or
    /// deleted). Audiences already broken do not block the change.
    static func refuseBreakingSavedAudiences(_ state: CatalogState, changedTo updated: FilterCatalog, change: String,
                                             limits: AudienceLimits) throws {
        let catalog = FilterCatalog(state.filters)
        let broken = state.audiences.compactMap { audience -> (id: String, issues: [AudienceIssue])? in
            guard catalog.validate(audience.definition, limits: limits).isEmpty else { return nil }
            let issues = updated.validate(audience.definition, limits: limits)
            return issues.isEmpty ? nil : (audience.id, issues)
        }
        guard let first = broken.first else { return }
        let problem = first.issues.first.map { ": \($0.message)" } ?? ""
        throw APIError(status: .conflict, code: "filter_in_use",
                       message: "\(change) would break saved audiences: "
                           + broken.map(\.id).sorted().joined(separator: ", ") + " (\(first.id)\(problem))")
    }

    /// Validates, prepares against the member source, stores (see `FilterRepository.save`).
    func save(_ filter: FilterDefinition, tenant: String, expectedVersion: Int?) async throws -> (filter: FilterDefinition, created: Bool) {
        let filterLimits = service.configuration.filterLimits, limits = service.configuration.limits
        // The filter's own problems first (all of them, before the member source is asked);
        // the catalog-wide ones (one universe, saved audiences) are checked under the lock below,
        // as the cached catalog can be seconds behind another instance.
        let issues = filter.validate(limits: filterLimits)
        guard issues.isEmpty else { throw AudienceErrors.validation(issues) }
        try await AudienceErrors.mapped {
            let source = try await service.sources.source(tenant: tenant)
            do {
                try await source.check(filter)
            } catch MemberSourceError.invalidQuery(let message) {
                throw AudienceErrors.validation([AudienceIssue(code: "invalid_sql", message: message, path: "/sql")])
            }
        }
        // Checked again on the catalog read under the tenant's catalog lock (the cached one above
        // may predate another instance's changes).
        let saved = try await AudienceErrors.mapped {
            try await service.store.filters.save(tenant: tenant, filter: filter, expectedVersion: expectedVersion) { state in
                let fresh = FilterCatalog(state.filters)
                let issues = fresh.issues(saving: filter, limits: filterLimits)
                guard issues.isEmpty else { throw AudienceValidationError(issues: issues) }
                try Self.refuseBreakingSavedAudiences(state, changedTo: FilterCatalog(state.filters + [filter]),  // the later filter replaces
                                                      change: "saving filter \"\(filter.id)\"", limits: limits)
            }
        }
        service.filterChanged(tenant: tenant, filterID: filter.id)
        return saved
    }
}

extension AudienceDefinition {
    /// Whether a leaf of this tree uses filter `id`.
    func uses(filter id: String) -> Bool {
        switch self {
        case .all(let children), .any(let children): children.contains { $0.uses(filter: id) }
        case .filter(let leaf): leaf.filter == id
        }
    }
}
