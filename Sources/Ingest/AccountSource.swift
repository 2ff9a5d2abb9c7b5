import Cache
import RPC
import SolanaCore

/// Where account state comes from: snapshot reads plus a live stream of slot-ordered updates
/// (compare carbon's `Datasource`). JSON-RPC + PubSub is the first (`RPCAccountSource`, with
/// `accountSubscribe` and `programSubscribe`); a Yellowstone gRPC or NATS source plugs in here. The engine, the store and
/// everything after them cannot tell which source fed them: the store orders every update by slot.
///
/// ```swift
/// let source = try RPCAccountSource(config: config, logger: logger)
/// let engine = IngestEngine(store: store, config: config, source: source, logger: logger)
/// ```
public protocol AccountSource: AnyObject, Sendable {
    /// Current state of `keys`, aligned with them (nil where an account does not exist).
    func read(_ keys: [Pubkey]) async throws -> [AccountData?]
    /// The accounts to follow from now on (every pool's and dependent's); may be called at any time.
    func follow(_ wanted: Set<Pubkey>)
    /// The same watch set with what the cache knows of each account (owner, size, token owner,
    /// DEXes reading it), for sources that choose how to subscribe by it (`programSubscribe`).
    /// Default: `follow(Set)` of the addresses.
    func follow(accounts: [FollowedAccount])
    /// Streams updates of the followed accounts into `sink` until the task is cancelled. After any
    /// gap (connect, reconnect, a new subscription) the source re-reads what it follows and hands it
    /// to `sink.resync`, so nothing missed survives.
    func run(into sink: any AccountSink) async throws
    /// The source's connections, for health.
    func connections() -> [ConnectionHealth]
    /// Adds the source's own counters (HTTP requests, rate limits) to the engine's.
    func contribute(to counters: inout IngestCounters)
    /// Whether what the source holds of `key` is kept current now (false: a bus shard that went
    /// silent published it); the freshness check does not confirm a pool on a false. Default: true.
    func isCurrent(_ key: Pubkey) -> Bool
    /// Whether a nil from `read` means the account does not exist (the chain's answer). A bus
    /// follower's nil means "not published yet": such pools are retried, never judged not found.
    var absenceIsFinal: Bool { get }
}

extension AccountSource {
    public func follow(accounts: [FollowedAccount]) { follow(Set(accounts.map(\.address))) }
    public func isCurrent(_ key: Pubkey) -> Bool { true }
    public var absenceIsFinal: Bool { true }
}

/// A source that can list a program's accounts by filters (pool discovery).
public protocol ProgramAccountsReader: AccountSource {
    /// Accounts of `program` matching every filter; with `dataSlice`, only those bytes of each.
    func programAccounts(_ program: Pubkey, filters: [ProgramAccountFilter], dataSlice: JSONRPCClient.DataSlice?) async throws -> [AccountData]
}

/// `getProgramAccounts` filters (exact data size, bytes at an offset), the same shape for every source.
public typealias ProgramAccountFilter = JSONRPCClient.Filter
