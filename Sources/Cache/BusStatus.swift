/// One message-bus link (a NATS publisher or follower), for `/v1/health` and `/metrics`.
public struct BusStatus: Sendable, Equatable {
    /// `publisher` or `follower`.
    public var role: String
    public var shard: String?
    /// `connecting`, `connected`, `disconnected`, `closed`.
    public var state: String
    public var server: String?
    public var published: UInt64 = 0
    public var received: UInt64 = 0
    /// Messages that could not be published (no connection, full buffer, unacknowledged): recovered by a republish.
    public var dropped: UInt64 = 0
    /// Account messages sent again from the store after a gap, and how many such republishes ran.
    public var republished: UInt64 = 0
    public var republishes: UInt64 = 0
    /// Bus messages that could not be read (bad subject, missing header).
    public var malformed: UInt64 = 0
    public var connects: UInt64 = 0
    public var lastError: String?
    /// Follower: every shard heard of.
    public var shards: [ShardLag] = []

    public init(role: String, shard: String? = nil, state: String) { self.role = role; self.shard = shard; self.state = state }

    public struct ShardLag: Sendable, Equatable {
        public var name: String
        public var alive: Bool
        public var heartbeatAgeMs: Double?
        /// The shard's newest slot (its heartbeat) minus the newest slot applied from it here.
        public var slotLag: UInt64
        /// Publish → applied here, over the recent window (ms).
        public var lagP50Ms: Double?
        public var lagP99Ms: Double?
        public var lastLagMs: Double?
        /// Accounts whose last message came from this shard.
        public var accounts: Int
        public init(name: String, alive: Bool, slotLag: UInt64, accounts: Int) {
            self.name = name; self.alive = alive; self.slotLag = slotLag; self.accounts = accounts
        }
    }
}

/// What serves bus links to the API.
public protocol BusStatusProvider: Sendable {
    func busStatus() -> [BusStatus]
}
