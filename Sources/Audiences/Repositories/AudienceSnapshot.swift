import Foundation
import Roaring

/// A frozen audience result: the members an audience had when the snapshot was taken, so a
/// campaign sends to exactly the audience that was approved. Stored in the portable Roaring
/// format.
public struct AudienceSnapshot: Sendable {
    /// Generated id (`snap-…`).
    public var id: String
    /// The audience it was taken from.
    public var audienceID: String
    /// The definition evaluated (the audience may change later).
    public var definition: AudienceDefinition
    /// Members in the snapshot.
    public var count: Int
    /// The members.
    public var members: Bitmap
    public var createdAt: Date

    /// A snapshot; see the property docs.
    public init(id: String, audienceID: String, definition: AudienceDefinition, members: Bitmap, createdAt: Date = Date()) {
        self.id = id
        self.audienceID = audienceID
        self.definition = definition
        self.count = members.count
        self.members = members
        self.createdAt = createdAt
    }
}
