/// A follower's view of the shards: heartbeats, what was applied from each, lag samples, and
/// which shards are alive by the deadline. Pure (times are passed in, seconds of a monotonic clock).
public struct ShardBook: Sendable {
    public struct Shard: Sendable {
        public var lastHeartbeat: Double
        public var heartbeatSlot: UInt64 = 0
        public var appliedSlot: UInt64 = 0
        public var alive = true
        /// Recent publish → applied latencies (ms), bounded.
        public var lagMs: [Double] = []
        public var accounts = 0
    }

    public let deadline: Double
    public private(set) var shards: [String: Shard] = [:]
    /// When the follower started: a shard never heard of is judged from here.
    let started: Double
    public static let window = 2_048

    public init(deadline: Double, now: Double) { self.deadline = deadline; started = now }

    public mutating func heartbeat(_ name: String, slot: UInt64, now: Double) {
        shards[name, default: Shard(lastHeartbeat: now)].lastHeartbeat = now
        shards[name]!.heartbeatSlot = max(shards[name]!.heartbeatSlot, slot)
    }

    /// An account message from `name` was applied; `lagMs` when it was a live one.
    public mutating func applied(_ name: String, slot: UInt64, lagMs: Double?) {
        if shards[name] == nil { shards[name] = Shard(lastHeartbeat: started) }
        shards[name]!.appliedSlot = max(shards[name]!.appliedSlot, slot)
        if let lagMs {
            shards[name]!.lagMs.append(lagMs)
            if shards[name]!.lagMs.count > Self.window { shards[name]!.lagMs.removeFirst(Self.window / 2) }
        }
    }

    public mutating func setAccounts(_ name: String, _ n: Int) {
        if shards[name] == nil { shards[name] = Shard(lastHeartbeat: started) }
        shards[name]!.accounts = n
    }

    /// Shards that changed liveness at `now`: (went quiet past the deadline, came back).
    public mutating func judge(now: Double) -> (down: [String], up: [String]) {
        var down: [String] = [], up: [String] = []
        for (name, s) in shards {
            let alive = now - s.lastHeartbeat <= deadline
            if alive != s.alive {
                shards[name]!.alive = alive
                if alive { up.append(name) } else { down.append(name) }
            }
        }
        return (down.sorted(), up.sorted())
    }

    public func isAlive(_ name: String) -> Bool { shards[name]?.alive ?? true }

    /// The q-quantile of a shard's recent lag samples (nearest rank).
    public static func quantile(_ samples: [Double], _ q: Double) -> Double? {
        guard !samples.isEmpty else { return nil }
        let sorted = samples.sorted()
        let rank = Int((Double(sorted.count) * q).rounded(.up)) - 1
        return sorted[max(0, min(sorted.count - 1, rank))]
    }
}
