import Arbitrage
import Cache
import GeyserSource
import Ingest
import NATSSync
import Persistence
import Server
import SolanaCore

/// Everything the service reads from its TOML file, resolved and validated: where to ingest
/// from, which pools, where to serve the API, where to persist.
///
/// ```swift
/// let config = try ConfigLoader.load(path: "config.toml")
/// for issue in config.rejectedPools { print(issue) }     // bad entries, reported per pool
/// let store = PoolStore(); config.pools.forEach { store.addPool($0) }
/// ```
public struct ServiceConfig: Sendable, Equatable {
    public var ingest: IngestConfig
    /// Pools accepted from `[[pools]]` (valid address, supported or absent `pool_type`).
    public var pools: [PoolConfig]
    /// `[[pools]]` entries that cannot be used, each with its reason (never fatal).
    public var rejectedPools: [RejectedPool]
    public var api: APISettings
    public var persistence: PersistenceSettings
    public var router: RouterSettings
    /// `[discovery]`: pools followed by their mints (nil when the table is absent).
    public var discovery: DiscoverySettings?
    /// Keys present in the file that this version does not read (warned, not fatal).
    public var unknownKeys: [String]
    /// Keys present in the file that are read and validated but change nothing (warned at start).
    public var unusedKeys: [UnusedKey]
    /// `[yellowstone]`: stream accounts over Yellowstone gRPC instead of PubSub (nil: PubSub).
    public var yellowstone: YellowstoneConfig?
    /// `[nats]`: publish to, or follow, a NATS JetStream cluster (nil: neither).
    public var nats: NATSSettings?
    /// `[[pools]]` left to the other shards by `nats.shard_of` (not in `pools`).
    public var poolsOnOtherShards = 0

    public init(
        ingest: IngestConfig, pools: [PoolConfig], rejectedPools: [RejectedPool] = [], api: APISettings = .init(),
        persistence: PersistenceSettings = .init(), router: RouterSettings = .init(), discovery: DiscoverySettings? = nil,
        unknownKeys: [String] = [], unusedKeys: [UnusedKey] = [], yellowstone: YellowstoneConfig? = nil
    ) {
        self.yellowstone = yellowstone
        self.ingest = ingest; self.pools = pools; self.rejectedPools = rejectedPools; self.api = api
        self.persistence = persistence; self.router = router; self.discovery = discovery; self.unknownKeys = unknownKeys; self.unusedKeys = unusedKeys
    }
}

/// A key the original's files carry that this version accepts but does not act on, and why.
public struct UnusedKey: Sendable, Equatable, CustomStringConvertible {
    public var key: String
    public var reason: String
    public init(key: String, reason: String) { self.key = key; self.reason = reason }
    public var description: String { "\(key): \(reason)" }
}

/// A `[[pools]]` entry that was not added, and why (bad address, prop AMM, unknown type, duplicate).
public struct RejectedPool: Sendable, Equatable, CustomStringConvertible {
    public var index: Int
    public var line: Int?
    public var address: String
    public var name: String?
    public var poolType: String?
    public var reason: String
    public var description: String {
        let at = line.map { "line \($0), " } ?? ""
        return "pools[\(index)] (\(at)\(name ?? address)): \(reason)"
    }
}
