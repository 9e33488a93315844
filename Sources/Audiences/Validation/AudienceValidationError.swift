/// Thrown when a filter or an audience does not validate; carries every issue found.
public struct AudienceValidationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// All problems, in document order.
    public var issues: [AudienceIssue]

    /// An error carrying `issues` (expected to be non-empty).
    public init(issues: [AudienceIssue]) {
        self.issues = issues
    }

    public var description: String {
        "invalid audience: " + issues.map(\.description).joined(separator: "; ")
    }
}
