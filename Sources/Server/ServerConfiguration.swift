/// How `marquee serve` runs.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Request bodies larger than this get 413.
    public var bodyLimit: Int
    /// How long a valid API key is trusted without asking the database again.
    public var keyCacheTTL: Duration
    /// While the database cannot answer, a key it confirmed within this long keeps working (see `KeyCache`).
    public var keyOutageGrace: Duration = .seconds(15 * 60)
    /// How this instance learns about changes made elsewhere.
    public var changeFeed: ChangeFeedMode
    /// The safety-net poll of the change log (also the only mechanism in `poll` mode).
    public var pollInterval: Duration
    /// How long a coupon reservation holds its use before the sweeper gives it back.
    public var reservationTTL: Duration = .seconds(15 * 60)
    /// How often expired reservations are released.
    public var sweepInterval: Duration = .seconds(10)
    /// How often pricing's view of exhausted limited coupons is refreshed.
    public var availabilityInterval: Duration = .seconds(2)
    /// A connection that sends nothing for this long while idle or while a request is being
    /// read (slow headers or body) is closed; a response being written is never cut.
    public var idleTimeout: Duration = .seconds(60)
    /// Audiences: filter cache, member source defaults, pre-warming.
    public var audiences = AudienceConfiguration()

    public enum ChangeFeedMode: String, Sendable, CaseIterable {
        /// PostgreSQL LISTEN/NOTIFY wake-ups plus the poll (SQLite always polls).
        case listen
        /// Poll only: for SQLite, or PostgreSQL behind a transaction-pooling proxy.
        case poll
    }

    public init(host: String = "127.0.0.1", port: Int = 8080, bodyLimit: Int = 1 << 20, keyCacheTTL: Duration = .seconds(10),
                changeFeed: ChangeFeedMode = .listen, pollInterval: Duration = .seconds(5)) {
        self.host = host
        self.port = port
        self.bodyLimit = bodyLimit
        self.keyCacheTTL = keyCacheTTL
        self.changeFeed = changeFeed
        self.pollInterval = pollInterval
    }
}
