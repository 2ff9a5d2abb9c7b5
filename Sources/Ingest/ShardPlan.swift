import SolanaCore

/// Which connection (shard) carries which accounts: at most `capacity` account subscriptions
/// per shard, shards spread round-robin over endpoints. Sticky: accounts that stay wanted keep
/// their shard (no resubscribe churn); new accounts fill the emptiest shards first.
///
/// ```swift
/// var plan = ShardPlan(capacity: 99, endpointCount: 2)
/// let delta = plan.update(wanted: store.watchedAccounts())
/// delta.added[shard]     // accounts to subscribe on that shard
/// ```
public struct ShardPlan: Sendable, Equatable {
    public private(set) var capacity: Int
    public let endpointCount: Int
    public private(set) var shards: [Set<Pubkey>] = []
    public private(set) var shardOf: [Pubkey: Int] = [:]

    public struct Delta: Sendable, Equatable {
        public var added: [Int: [Pubkey]] = [:]
        public var removed: [Int: [Pubkey]] = [:]
        /// Shards created by this update (need a connection).
        public var newShards: [Int] = []
        public var isEmpty: Bool { added.isEmpty && removed.isEmpty && newShards.isEmpty }
    }

    public init(capacity: Int, endpointCount: Int) {
        self.capacity = max(1, capacity)
        self.endpointCount = max(1, endpointCount)
    }

    /// An endpoint refused subscriptions beyond `accepted` per connection (its limit is below the
    /// configured one): from now on no shard holds more than that. The refused accounts and any
    /// other overflow leave their shards; the next `update(wanted:)` places them where there is
    /// room, in new shards if need be. Equal to the capacity is a connection that hit the limit
    /// just learnt from another one: its refused accounts move too. Returns the shards that lost
    /// accounts (to reconcile), or nil when the connection took nothing or more than the capacity.
    public mutating func lowerCapacity(to accepted: Int, evicting refused: [Pubkey]) -> Set<Int>? {
        guard accepted >= 1, accepted <= capacity else { return nil }
        capacity = accepted
        var touched = Set<Int>()
        func evict(_ key: Pubkey) {
            guard let s = shardOf.removeValue(forKey: key) else { return }
            shards[s].remove(key)
            touched.insert(s)
        }
        refused.forEach(evict)
        for i in shards.indices where shards[i].count > capacity {
            shards[i].sorted().suffix(shards[i].count - capacity).forEach(evict)
        }
        return touched
    }

    /// The endpoint a new shard starts on.
    public func initialEndpoint(shard: Int) -> Int { shard % endpointCount }

    public mutating func update(wanted: Set<Pubkey>) -> Delta {
        var delta = Delta()
        for (key, shard) in shardOf where !wanted.contains(key) {
            shards[shard].remove(key)
            shardOf.removeValue(forKey: key)
            delta.removed[shard, default: []].append(key)
        }
        let fresh = wanted.filter { shardOf[$0] == nil }.sorted()
        for key in fresh {
            // The emptiest shard with room, else a new one.
            var target: Int?
            for (i, s) in shards.enumerated() where s.count < capacity {
                if target == nil || s.count < shards[target!].count { target = i }
            }
            if target == nil {
                shards.append([])
                target = shards.count - 1
                delta.newShards.append(target!)
            }
            shards[target!].insert(key)
            shardOf[key] = target!
            delta.added[target!, default: []].append(key)
        }
        for k in delta.removed.keys { delta.removed[k]?.sort() }
        return delta
    }
}
