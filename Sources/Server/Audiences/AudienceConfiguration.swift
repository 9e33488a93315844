import Audiences
import Storage

/// How the server runs audiences: the filter cache, member source defaults, limits and
/// start-up pre-warming.
public struct AudienceConfiguration: Sendable {
    /// Filter cache tuning (memory budget, refresh-ahead, usage persistence).
    public var cache = FilterCacheConfiguration()
    /// Statement timeout and parallelism of member sources that leave them open.
    public var sources = MemberSourceDefaults()
    /// Audience tree bounds.
    public var limits = AudienceLimits()
    /// Filter validation bounds.
    public var filterLimits = FilterLimits()
    /// How long start-up pre-warming may delay `/readyz`. Default 30 s.
    public var prewarmBudget: Duration = .seconds(30)
    /// Most cache keys pre-warmed at start-up. Default 200.
    public var prewarmMaxFilters = 200
    /// How long a tenant's filter catalog is trusted before it is read again (changes made on
    /// other instances). Default 5 s.
    public var catalogTTL: Duration = .seconds(5)
    /// How often the audiences promotions test through `customer.audiences` are re-evaluated for
    /// pricing (changes on this instance are picked up within a second). Default 60 s.
    public var membershipRefresh: Duration = .seconds(60)

    public init() {}
}
