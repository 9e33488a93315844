/// Size limits applied when parsing a condition; exceeding one is a ``RuleIssue``.
public struct RuleLimits: Sendable, Hashable {
    /// Maximum nesting depth of the condition's JSON (objects and arrays).
    public var maxDepth: Int
    /// Maximum number of JSON nodes (values of any kind) in the condition.
    public var maxNodes: Int
    /// Maximum length of any string (field path or literal), in UTF-8 bytes.
    public var maxStringLength: Int
    /// Maximum number of elements of any array (e.g. an `$in` list).
    public var maxArrayLength: Int

    /// Creates limits.
    public init(maxDepth: Int, maxNodes: Int, maxStringLength: Int, maxArrayLength: Int) {
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
        self.maxStringLength = maxStringLength
        self.maxArrayLength = maxArrayLength
    }

    /// Depth 32, 20 000 nodes, strings of 1 024 bytes, arrays of 10 000 elements.
    public static let `default` = RuleLimits(maxDepth: 32, maxNodes: 20_000, maxStringLength: 1_024, maxArrayLength: 10_000)
}
