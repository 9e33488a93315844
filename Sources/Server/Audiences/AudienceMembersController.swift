import Audiences
import Foundation
import Hummingbird
import Roaring
import Storage

/// Members of saved audiences (evaluated now) and snapshots (frozen results):
/// `/v1/audiences/{id}/members[/{memberId}]`, `/v1/audiences/{id}/snapshots…`.
struct AudienceMembersController {
    let service: AudienceService

    func addRoutes(to group: RouterGroup<MarqueeRequestContext>) {
        group.get("audiences/{id}/members", use: members)
        group.get("audiences/{id}/members/{memberId}", use: membership)
        group.post("audiences/{id}/snapshots", use: createSnapshot)
        group.get("audiences/{id}/snapshots", use: listSnapshots)
        group.get("audiences/{id}/snapshots/{snapshotId}", use: showSnapshot)
        group.delete("audiences/{id}/snapshots/{snapshotId}", use: deleteSnapshot)
        group.get("audiences/{id}/snapshots/{snapshotId}/members", use: snapshotMembers)
        group.get("audiences/{id}/snapshots/{snapshotId}/members/{memberId}", use: snapshotMembership)
    }

    /// Snapshot metadata as JSON (members are read through `/members`).
    struct SnapshotBody: Encodable {
        var id: String
        var audienceId: String
        var count: Int
        var definition: AudienceDefinition
        var createdAt: Date

        init(_ snapshot: AudienceSnapshot) {
            id = snapshot.id
            audienceId = snapshot.audienceID
            count = snapshot.count
            definition = snapshot.definition
            createdAt = snapshot.createdAt
        }
    }

    func current(_ context: MarqueeRequestContext) async throws -> Bitmap {
        let caller = try context.require(.read)
        let audience = try await AudiencesController.audience(service, tenant: caller.tenant.id, id: try context.parameters.require("id"))
        return try await AudienceErrors.mapped { try await service.evaluate(tenant: caller.tenant.id, definition: audience.definition) }.members
    }

    func snapshot(_ context: MarqueeRequestContext) async throws -> AudienceSnapshot {
        let caller = try context.require(.read)
        guard let snapshot = try await service.store.audiences.snapshot(
            tenant: caller.tenant.id, audienceID: try context.parameters.require("id"), id: try context.parameters.require("snapshotId"))
        else { throw APIError.notFound("snapshot") }
        return snapshot
    }

    @Sendable func members(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let page = try MemberListing.Page(request)
        return MemberListing.response(try await current(context), page: page, path: request.uri.path)
    }

    @Sendable func membership(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let id = try MemberListing.memberID(try context.parameters.require("memberId"))
        return MemberListing.membership(try await current(context), memberID: id)
    }

    @Sendable func createSnapshot(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.manage)
        let audience = try await AudiencesController.audience(service, tenant: caller.tenant.id, id: try context.parameters.require("id"))
        let result = try await AudienceErrors.mapped { try await service.evaluate(tenant: caller.tenant.id, definition: audience.definition) }
        let id = "snap-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let snapshot = AudienceSnapshot(id: id, audienceID: audience.id, definition: audience.definition, members: result.members,
                                        createdAt: Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1000).rounded() / 1000))
        try await AudienceErrors.mapped { try await service.store.audiences.saveSnapshot(tenant: caller.tenant.id, snapshot: snapshot) }
        return JSONResponse.make(SnapshotBody(snapshot), status: .created)
    }

    @Sendable func listSnapshots(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.read)
        let audience = try await AudiencesController.audience(service, tenant: caller.tenant.id, id: try context.parameters.require("id"))
        let snapshots = try await service.store.audiences.snapshots(tenant: caller.tenant.id, audienceID: audience.id)
        return JSONResponse.make(["snapshots": snapshots.map(SnapshotBody.init)])
    }

    /// Metadata only: the members (megabytes for millions of ids, unreadable if damaged) stay in
    /// the database.
    @Sendable func showSnapshot(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.read)
        guard let snapshot = try await service.store.audiences.snapshotMetadata(
            tenant: caller.tenant.id, audienceID: try context.parameters.require("id"), id: try context.parameters.require("snapshotId"))
        else { throw APIError.notFound("snapshot") }
        return JSONResponse.make(SnapshotBody(snapshot))
    }

    @Sendable func deleteSnapshot(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.manage)
        guard try await service.store.audiences.deleteSnapshot(
            tenant: caller.tenant.id, audienceID: try context.parameters.require("id"), id: try context.parameters.require("snapshotId"))
        else { throw APIError.notFound("snapshot") }
        return Response(status: .noContent)
    }

    @Sendable func snapshotMembers(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let page = try MemberListing.Page(request)
        return MemberListing.response(try await snapshot(context).members, page: page, path: request.uri.path)
    }

    @Sendable func snapshotMembership(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let id = try MemberListing.memberID(try context.parameters.require("memberId"))
        return MemberListing.membership(try await snapshot(context).members, memberID: id)
    }
}
