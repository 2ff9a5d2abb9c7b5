import SolanaCore

/// Which connection (shard) carries which subscriptions: at most `capacity` per shard, at most
/// `maxShards` shards (0: no limit; what does not fit is `unplaced`), shards spread round-robin
/// over endpoints. Sticky: subscriptions that stay wanted keep their shard (no resubscribe
/// churn); new ones fill the emptiest shards first. Program subscriptions (which carry many
/// accounts each) are placed first and spread: each goes to the shard with the fewest of them,
/// opening one shard per endpoint before doubling up.
///
/// ```swift
/// var plan = ShardPlan(capacity: 99, endpointCount: 2)           // Key == Pubkey
/// let delta = plan.update(wanted: store.watchedAccounts())
/// delta.added[shard]     // accounts to subscribe on that shard
/// ```
public struct ShardPlan<Key: Hashable & Comparable & Sendable>: Sendable, Equatable {
    public private(set) var capacity: Int
    public let endpointCount: Int
    public let maxShards: Int
    public private(set) var shards: [Set<Key>] = []
    public private(set) var shardOf: [Key: Int] = [:]
    /// Wanted keys that found no room within `maxShards`.
    public private(set) var unplaced: Set<Key> = []
    /// Keys counted as heavy (program subscriptions) per shard, for spreading.
    private var heavy: [Int] = []
    private var heavyKeys: Set<Key> = []

    public struct Delta: Sendable, Equatable {
        public var added: [Int: [Key]] = [:]
        public var removed: [Int: [Key]] = [:]
        /// Shards created by this update (need a connection).
        public var newShards: [Int] = []
        public var isEmpty: Bool { added.isEmpty && removed.isEmpty && newShards.isEmpty }
    }

    public init(capacity: Int, endpointCount: Int, maxShards: Int) {
        self.capacity = max(1, capacity)
        self.endpointCount = max(1, endpointCount)
        self.maxShards = max(0, maxShards)
    }

    /// An endpoint refused subscriptions beyond `accepted` per connection (its limit is below the
    /// configured one): from now on no shard holds more than that. The refused keys and any
    /// other overflow leave their shards; the next `update(wanted:)` places them where there is
    /// room, in new shards if need be. Equal to the capacity is a connection that hit the limit
    /// just learnt from another one: its refused keys move too. Returns the shards that lost
    /// keys (to reconcile), or nil when the connection took nothing or more than the capacity.
    public mutating func lowerCapacity(to accepted: Int, evicting refused: [Key]) -> Set<Int>? {
        guard accepted >= 1, accepted <= capacity else { return nil }
        capacity = accepted
        var touched = Set<Int>()
        refused.forEach { if let s = evict($0) { touched.insert(s) } }
        for i in shards.indices where shards[i].count > capacity {
            // Light keys (sorted last) leave first.
            shards[i].sorted().suffix(shards[i].count - capacity).forEach { if let s = evict($0) { touched.insert(s) } }
        }
        return touched
    }

    private mutating func evict(_ key: Key) -> Int? {
        guard let s = shardOf.removeValue(forKey: key) else { return nil }
        shards[s].remove(key)
        if heavyKeys.remove(key) != nil { heavy[s] -= 1 }
        return s
    }

    /// The endpoint a new shard starts on.
    public func initialEndpoint(shard: Int) -> Int { shard % endpointCount }

    /// `isHeavy` marks keys to spread across shards (program subscriptions).
    public mutating func update(wanted: Set<Key>, isHeavy: (Key) -> Bool = { _ in false }) -> Delta {
        var delta = Delta()
        for (key, shard) in shardOf where !wanted.contains(key) {
            _ = evict(key)
            delta.removed[shard, default: []].append(key)
        }
        unplaced = []
        let fresh = wanted.filter { shardOf[$0] == nil }.sorted()
        for key in fresh {
            let weighty = isHeavy(key)
            var target: Int?
            for (i, s) in shards.enumerated() where s.count < capacity {
                guard let t = target else { target = i; continue }
                if weighty ? (heavy[i], s.count) < (heavy[t], shards[t].count) : s.count < shards[t].count { target = i }
            }
            let roomForNew = maxShards == 0 || shards.count < maxShards
            // A heavy key opens a shard per endpoint before sharing one with another heavy key.
            if roomForNew, target == nil || (weighty && heavy[target!] > 0 && shards.count < endpointCount) {
                shards.append([])
                heavy.append(0)
                target = shards.count - 1
                delta.newShards.append(target!)
            }
            guard let t = target else {
                unplaced.insert(key)
                continue
            }
            shards[t].insert(key)
            shardOf[key] = t
            if weighty { heavy[t] += 1; heavyKeys.insert(key) }
            delta.added[t, default: []].append(key)
        }
        for k in delta.removed.keys { delta.removed[k]?.sort() }
        return delta
    }
}

extension ShardPlan where Key == Pubkey {
    /// Account subscriptions only, no connection limit.
    public init(capacity: Int, endpointCount: Int) { self.init(capacity: capacity, endpointCount: endpointCount, maxShards: 0) }
}
