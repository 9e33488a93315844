/// How `marquee serve` runs.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Request bodies larger than this get 413.
    public var bodyLimit: Int
    /// How long a valid API key is trusted without asking the database again.
    public var keyCacheTTL: Duration

    public init(host: String = "127.0.0.1", port: Int = 8080, bodyLimit: Int = 1 << 20, keyCacheTTL: Duration = .seconds(10)) {
        self.host = host
        self.port = port
        self.bodyLimit = bodyLimit
        self.keyCacheTTL = keyCacheTTL
    }
}
