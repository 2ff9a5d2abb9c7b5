import Cache
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
    /// Keys present in the file that this version does not read (warned, not fatal).
    public var unknownKeys: [String]
    /// Keys present in the file that are read and validated but change nothing (warned at start).
    public var unusedKeys: [UnusedKey]

    public init(ingest: IngestConfig, pools: [PoolConfig], rejectedPools: [RejectedPool] = [], api: APISettings = .init(),
                persistence: PersistenceSettings = .init(), router: RouterSettings = .init(), unknownKeys: [String] = [],
                unusedKeys: [UnusedKey] = []) {
        self.ingest = ingest; self.pools = pools; self.rejectedPools = rejectedPools; self.api = api
        self.persistence = persistence; self.router = router; self.unknownKeys = unknownKeys; self.unusedKeys = unusedKeys
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

/// `[api]`: where and how the HTTP API listens, with request limits.
public struct APISettings: Sendable, Equatable {
    public var host = "127.0.0.1"
    public var port = 3001
    /// Largest accepted request body (POST /scan-arbitrage, POST /v1/pools).
    public var maxBodyBytes = 64 * 1024
    /// Largest accepted path + query string.
    public var maxURIBytes = 4 * 1024
    /// Concurrent connections accepted; more wait in the listen backlog.
    public var maxConnections = 256
    /// Concurrent `/v1/stream` WebSocket clients.
    public var maxStreamClients = 64
    /// Largest request head (request line + headers).
    public var maxHeaderBytes = 16 * 1024
    /// A new connection must send a complete request head within this time (idle/slowloris clients).
    public var headerTimeoutSeconds = 10.0
    /// A request body must finish arriving within this time of its head.
    public var bodyTimeoutSeconds = 30.0
    /// Keep-alive connections silent for this long are closed.
    public var idleTimeoutSeconds = 60.0
    /// A `/v1/stream` client that accepts no message for this long (stopped reading) is dropped.
    public var streamWriteTimeoutSeconds = 10.0
    /// Pools `POST /v1/pools` may add at run time (quote work stays bounded by `QuoteFinder.maxFirstHops`).
    public var maxPoolsAddedAtRuntime = 10_000
    public init(host: String = "127.0.0.1", port: Int = 3001) { self.host = host; self.port = port }
}

/// `[database]`: the opportunity history and account snapshots. SQLite unless a PostgreSQL URL is set.
public struct PersistenceSettings: Sendable, Equatable {
    public enum Backend: Sendable, Equatable {
        case sqlite(path: String)
        case postgres(url: String)
        case disabled
    }
    public var backend: Backend = .sqlite(path: "solana-pool-cache.sqlite")
    public var recordOpportunities = true
    /// Save account snapshots for warm start.
    public var recordAccounts = true
    /// Seconds between account snapshot flushes.
    public var snapshotIntervalSeconds: Double = 5
    public init() {}
}

/// `[router]`: the original's arbitrage settings, passed to the arbitrage engine.
public struct RouterSettings: Sendable, Equatable {
    /// `fast`, `complete` or `hybrid`: validated and reported, but it selects nothing (see `modeIgnoredReason`).
    public var mode = "complete"
    /// Opportunities with a net ROI below this (percent of the input) are not reported.
    public var minROIPercent = 0.3
    /// Longest arbitrage cycle, in swaps.
    public var maxHops = 3
    /// `router.max_hops` values accepted: the arbitrage engine's `ArbitrageConfig.supportedMaxHops`
    /// (Config does not depend on Arbitrage; a CLI test checks the two agree).
    public static let supportedMaxHops = 2...6
    public static let modeIgnoredReason =
        "read but not used: there is one search strategy (every cycle up to max_hops, each size-optimised on exact quotes)"
    public init(mode: String = "complete", minROIPercent: Double = 0.3, maxHops: Int = 3) {
        self.mode = mode; self.minROIPercent = minROIPercent; self.maxHops = maxHops
    }
}
