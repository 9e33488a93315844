import Audiences
import Foundation
import Hummingbird
import Storage

/// `/v1/audiences`: ad hoc evaluation while editing, saved audiences (CRUD with versions), and
/// evaluation of a saved audience → `{"count", "nodes": [...], "elapsedMs", …}`.
struct AudiencesController {
    let service: AudienceService
    let body: RequestBody

    func addRoutes(to group: RouterGroup<MarqueeRequestContext>) {
        group.post("audiences/evaluate", use: evaluateDraft)
        group.get("audiences", use: list)
        group.post("audiences", use: create)
        group.get("audiences/{id}", use: show)
        group.put("audiences/{id}", use: replace)
        group.delete("audiences/{id}", use: delete)
        group.post("audiences/{id}/evaluate", use: evaluateSaved)
    }

    struct DraftBody: Decodable {
        var definition: AudienceDefinition
    }

    struct AudienceBody: Decodable {
        var id: String?
        var name: String
        var description: String?
        var definition: AudienceDefinition
        var version: Int?

        static let fields: Set<String> = ["id", "name", "description", "definition", "version", "createdAt", "updatedAt"]
    }

    @Sendable func evaluateDraft(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.manage)
        let draft = try await decode(DraftBody.self, request, fields: ["definition"])
        let result = try await AudienceErrors.mapped { try await service.evaluate(tenant: caller.tenant.id, definition: draft.definition) }
        return JSONResponse.make(result)
    }

    @Sendable func evaluateSaved(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.read)
        let audience = try await Self.audience(service, tenant: caller.tenant.id, id: try context.parameters.require("id"))
        let result = try await AudienceErrors.mapped { try await service.evaluate(tenant: caller.tenant.id, definition: audience.definition) }
        return JSONResponse.make(result)
    }

    @Sendable func list(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.read)
        return JSONResponse.make(["audiences": try await service.store.audiences.list(tenant: caller.tenant.id)])
    }

    @Sendable func show(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.read)
        let audience = try await Self.audience(service, tenant: caller.tenant.id, id: try context.parameters.require("id"))
        return JSONResponse.make(audience, headers: ETag.header(audience.version))
    }

    @Sendable func create(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.manage)
        let input = try await decode(AudienceBody.self, request, fields: AudienceBody.fields)
        guard let id = input.id else { throw AudienceErrors.validation([AudienceIssue(code: "missing_field", message: "missing field 'id'", path: "/id")]) }
        let audience = try await validated(input, id: id, tenant: caller.tenant.id)
        let stored = try await AudienceErrors.mapped {
            try await service.store.audiences.create(tenant: caller.tenant.id, audience: audience, check: resolves(audience))
        }
        service.audienceChanged(tenant: caller.tenant.id)
        return JSONResponse.make(stored, status: .created, headers: ETag.header(stored.version))
    }

    @Sendable func replace(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.manage)
        let id = try context.parameters.require("id")
        let input = try await decode(AudienceBody.self, request, fields: AudienceBody.fields)
        if let given = input.id, given != id { throw APIError.badRequest("the id in the body must match the URL", path: "/id", code: "id_mismatch") }
        let audience = try await validated(input, id: id, tenant: caller.tenant.id)
        let expected = try ETag.expectedVersion(request) ?? input.version
        let stored = try await AudienceErrors.mapped {
            try await service.store.audiences.update(tenant: caller.tenant.id, audience: audience, expectedVersion: expected,
                                                     check: resolves(audience))
        }
        service.audienceChanged(tenant: caller.tenant.id)
        return JSONResponse.make(stored, headers: ETag.header(stored.version))
    }

    @Sendable func delete(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.manage)
        let id = try context.parameters.require("id")
        try await AudienceErrors.mapped { try await service.store.audiences.delete(tenant: caller.tenant.id, id: id) }
        service.audienceChanged(tenant: caller.tenant.id)
        return Response(status: .noContent)
    }

    /// `fields`: the members the body may have (`createdAt`/`updatedAt` are read-only, ignored).
    func decode<T: Decodable>(_ type: T.Type, _ request: Request, fields: Set<String>) async throws -> T {
        let (value, data) = try await body.checkedJSON(request)
        try RequestBody.refuseUnknownMembers(value, fields: fields)
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw AudienceErrors.decoding(error, body: value)
        }
    }

    /// Checks the id, name and that the definition resolves against the tenant's filters.
    func validated(_ input: AudienceBody, id: String, tenant: String) async throws -> SavedAudience {
        var issues: [AudienceIssue] = []
        if !Self.isSlug(id) {
            issues.append(AudienceIssue(code: "invalid_id", message: "an id is [a-z0-9][a-z0-9_-]*, at most 63 characters", path: "/id"))
        }
        if input.name.trimmingCharacters(in: .whitespaces).isEmpty || input.name.count > 200 {
            issues.append(AudienceIssue(code: "invalid_name", message: "a name has 1 to 200 characters", path: "/name"))
        }
        if (input.description ?? "").count > 4000 {  // as for filters
            issues.append(AudienceIssue(code: "invalid_description", message: "the description is longer than 4000 characters", path: "/description"))
        }
        // Read now, not from the cache (seconds behind another instance's new filter); checked
        // again under the catalog lock when saved.
        let catalog = FilterCatalog(try await service.store.filters.list(tenant: tenant))
        do {
            _ = try catalog.resolve(input.definition, limits: service.configuration.limits, basePath: "/definition")
        } catch {
            issues += error.issues
        }
        guard issues.isEmpty else { throw AudienceErrors.validation(issues) }
        return SavedAudience(id: id, name: input.name, description: input.description ?? "", definition: input.definition)
    }

    /// The save's own check, on the catalog read under the tenant's catalog lock: `validated`
    /// used the cached one, and a filter deleted meanwhile (here or on another instance) left a
    /// saved audience that no longer resolved.
    func resolves(_ audience: SavedAudience) -> CatalogCheck {
        let limits = service.configuration.limits
        return { state in _ = try FilterCatalog(state.filters).resolve(audience.definition, limits: limits, basePath: "/definition") }
    }

    static func isSlug(_ id: String) -> Bool {
        guard let first = id.unicodeScalars.first, id.unicodeScalars.count <= 63 else { return false }
        let lower = { (c: Unicode.Scalar) in ("a"..."z").contains(c) || ("0"..."9").contains(c) }
        return lower(first) && id.unicodeScalars.allSatisfy { lower($0) || $0 == "_" || $0 == "-" }
    }

    static func audience(_ service: AudienceService, tenant: String, id: String) async throws -> SavedAudience {
        guard let audience = try await service.store.audiences.get(tenant: tenant, id: id) else { throw APIError.notFound("audience") }
        return audience
    }
}
