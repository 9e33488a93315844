import Roaring

/// Where filter results come from: the tenant's member database. Storage implements it with
/// SQL (`PostgresMemberSource`: one binary value of 4-byte ids, read into a bitmap;
/// `SQLiteMemberSource`: rows), binding the filter's parameters, never splicing them.
public protocol MemberSource: Sendable {
    /// How many filter queries may run at once against this source (at most the connection
    /// pool's size). The filter cache never runs more than this many queries concurrently for
    /// one tenant.
    var maxConcurrentQueries: Int { get }

    /// The member ids `filter` selects with `parameters` (validated against its declarations).
    func members(of filter: FilterDefinition, parameters: [String: ParameterValue]) async throws -> Bitmap
}
