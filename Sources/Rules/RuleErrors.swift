/// Every problem found in an invalid condition (never empty).
public struct RuleErrors: Error, Sendable, Hashable, CustomStringConvertible {
    /// The problems, in document order.
    public var issues: [RuleIssue]

    /// Creates the error.
    public init(issues: [RuleIssue]) { self.issues = issues }

    public var description: String { issues.map(\.description).joined(separator: "; ") }
}
