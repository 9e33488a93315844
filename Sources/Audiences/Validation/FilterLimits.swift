/// Bounds checked when a filter is saved.
public struct FilterLimits: Hashable, Sendable {
    /// Accepted `cacheTTLSeconds`.
    public var cacheTTLSeconds: ClosedRange<Int>
    /// Longest SQL text, in UTF-8 bytes.
    public var maxSQLBytes: Int
    /// Most declared parameters.
    public var maxParameters: Int

    /// Defaults: TTL 10 s … 1 day, 64 KiB of SQL, 32 parameters.
    public init(cacheTTLSeconds: ClosedRange<Int> = 10...86_400, maxSQLBytes: Int = 65_536, maxParameters: Int = 32) {
        self.cacheTTLSeconds = cacheTTLSeconds
        self.maxSQLBytes = maxSQLBytes
        self.maxParameters = maxParameters
    }
}
