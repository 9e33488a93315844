/// A filter's query failed while evaluating an audience.
public struct FilterQueryError: Error, CustomStringConvertible {
    /// The tenant.
    public var tenant: String
    /// The filter whose query failed.
    public var filterID: String
    /// JSON pointers of the leaves using it (empty for the universe filter).
    public var paths: [String]
    /// What the member source threw.
    public var underlying: any Error

    public var description: String { "filter '\(filterID)' failed: \(underlying)" }
}
