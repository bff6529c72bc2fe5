import Foundation

/// Where `pipeline serve` listens and how much one request may ask for.
public struct ServeConfiguration: Sendable {
    /// The address to bind. Loopback unless the user names another: the server has no
    /// authentication, so reaching it from other machines must be a decision.
    public var host: String
    /// 0 binds any free port (the bound one is reported through `onListening`).
    public var port: Int
    /// Larger request bodies get 413 before they are decoded.
    public var maxBodyBytes: Int
    /// The most items one `predict` may list, and the most ratings one history may hold.
    public var maxItems: Int
    /// The largest `k` of `recommend` and `similar`.
    public var maxK: Int

    /// NIO event-loop threads; nil: one per core (NIO's shared group).
    public var threads: Int?
    /// /v1 requests answered at once, and how many more may wait; past both, 503 `overloaded`.
    public var maxConcurrent = 64
    public var maxQueued = 256
    /// How often manifest.json is checked for a new export; zero turns the watch off.
    public var watchInterval: Duration = .seconds(2)
    /// A run ranking by the rating: the candidates its full model re-ranks per recommendation
    /// (`TrainedRun.candidates`: 0 every item; nil every item up to 100 000 items, 2 000 above).
    public var candidates: Int?
    /// After SIGTERM: how long in-flight requests may take before the process exits anyway.
    public var shutdownDeadline: Duration = .seconds(10)

    public init(host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 1 << 20, maxItems: Int = 1000, maxK: Int = 1000) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.maxItems = maxItems
        self.maxK = maxK
    }

    /// Whether `host` is a loopback address (127.0.0.0/8, ::1 or localhost).
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }
}
