import Cache
import RPC
import SolanaCore

/// Where account state comes from: snapshot reads plus a live stream of slot-ordered updates
/// (compare carbon's `Datasource`). JSON-RPC + PubSub is the first (`RPCAccountSource`); a
/// `programSubscribe`, Yellowstone gRPC or NATS source plugs in here. The engine, the store and
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
    /// Streams updates of the followed accounts into `sink` until the task is cancelled. After any
    /// gap (connect, reconnect, a new subscription) the source re-reads what it follows and hands it
    /// to `sink.resync`, so nothing missed survives.
    func run(into sink: any AccountSink) async throws
    /// The source's connections, for health.
    func connections() -> [ConnectionHealth]
    /// Adds the source's own counters (HTTP requests, rate limits) to the engine's.
    func contribute(to counters: inout IngestCounters)
}

/// A source that can list a program's accounts by filters (pool discovery).
public protocol ProgramAccountsReader: AccountSource {
    func programAccounts(_ program: Pubkey, filters: [ProgramAccountFilter]) async throws -> [AccountData]
}

/// `getProgramAccounts` filters (exact data size, bytes at an offset), the same shape for every source.
public typealias ProgramAccountFilter = JSONRPCClient.Filter

/// What a source feeds: the engine's store-facing side.
public protocol AccountSink: AnyObject, Sendable {
    /// One live update (the hot path); `receivedAt` is the monotonic time its frame was read.
    func update(_ account: AccountData, receivedAt: Double)
    /// Accounts re-read after a gap; returns how many differed from the cache (gaps repaired).
    @discardableResult func resync(_ accounts: [AccountData]) -> Int
    /// Something the source saw that the engine counts and logs.
    func record(_ event: SourceEvent)
}

/// Source events the engine keeps counters for.
public enum SourceEvent: Sendable, Equatable {
    case reconnect
    case malformed(String)
    case subscriptionsRefused(Int)
}
