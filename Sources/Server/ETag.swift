import Foundation
import HTTPTypes
import Hummingbird

/// Versions travel as strong entity tags: `ETag: "3"`; `If-Match: "3"` (also `W/"3"` or `3`).
enum ETag {
    static func header(_ version: Int) -> HTTPFields {
        var fields = HTTPFields()
        fields[.eTag] = "\"\(version)\""
        return fields
    }

    /// The version in `If-Match`, nil when absent; 400 when unreadable.
    static func expectedVersion(_ request: Request) throws -> Int? {
        guard let raw = request.headers[.ifMatch] else { return nil }
        var text = Substring(raw.trimmingCharacters(in: .whitespaces))
        if text.hasPrefix("W/") { text = text.dropFirst(2) }
        if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 { text = text.dropFirst().dropLast() }
        guard let version = Int(text), version >= 0 else {
            throw APIError.badRequest("If-Match must be a version such as \"3\"", code: "invalid_if_match")
        }
        return version
    }
}
