import Cache
import Foundation
import Logging
import NIOSSL
import RPC
import SolanaCore

/// The JSON-RPC + PubSub account source: snapshot reads with `getMultipleAccounts` (failover
/// across endpoints), live updates from `accountSubscribe` and `programSubscribe` (as
/// `SubscriptionPlanner` chooses per DEX by `[ingest] mode`) sharded over WebSocket connections
/// and endpoints within `max_connections` (`ShardPlan`), reconnects with backoff, failover after repeated failures, a
/// re-read of everything a connection follows after each (re)connect, and HTTP polling for
/// accounts an endpoint refused to subscribe.
///
/// ```swift
/// let source = try RPCAccountSource(config: config, logger: logger)
/// source.follow(wanted)
/// try await source.run(into: sink)   // until cancelled
/// ```
// @unchecked Sendable: `lock` guards plan, covered, coveredVersion, unplaced, unplacedWarned, shards, newShardSink, refusedAt, lastGoodHTTP, lastHealthWrite
// and wanted; config, planner, dialer, rpcs, backoff and logger are immutable after init.
public final class RPCAccountSource: ProgramAccountsReader, @unchecked Sendable {
    public let config: IngestConfig
    let logger: Logger
    let dialer: Dialer
    let rpcs: [JSONRPCClient]
    let backoff: Backoff

    let planner: SubscriptionPlanner

    // `lock` guards plan, covered, coveredVersion, unplaced, unplacedWarned, shards, refusedAt, lastGoodHTTP, lastHealthWrite, wanted and newShardSink.
    let lock = NSLock()
    var plan: ShardPlan<SubscriptionItem>
    /// The followed accounts each program subscription carries (its connection's follow set).
    var covered: [ProgramSubscription: Set<Pubkey>] = [:]
    /// Changes whenever `covered` does (a connection recomputes its follow set only then).
    var coveredVersion: UInt64 = 0
    /// Accounts with no subscription because `max_connections` is spent: polled like refused ones.
    var unplaced: Set<Pubkey> = []
    private var unplacedWarned = 0
    var shards: [ShardState] = []
    private var newShardSink: AsyncStream<Int>.Continuation?
    /// Accounts an endpoint refused to subscribe (not for its limit) and when: polled over HTTP
    /// every `stale_after_seconds / 4` (at most 5 s) until a subscription retry,
    /// `refusedRetrySeconds` later, succeeds.
    var refusedAt: [Pubkey: Date] = [:]
    static let refusedRetrySeconds = 60.0
    /// The smallest per-connection limit the source will learn from refusals.
    static let minimumLearnedCapacity = 10
    /// The HTTP endpoint that answered last: tried first next time.
    private var lastGoodHTTP = 0
    var lastHealthWrite: [Int: Double] = [:]
    /// What `follow` was last given (re-planned when a provider limit moves accounts).
    private var wanted: [FollowedAccount] = []

    /// Throws only on a config that cannot work at all (no endpoint, bad URL, bad CA file).
    public init(config: IngestConfig, logger: Logger = Logger(label: "ingest")) throws {
        guard !config.endpoints.isEmpty else { throw IngestError.badConfig("no endpoints configured") }
        guard ["processed", "confirmed", "finalized"].contains(config.commitment) else {
            throw IngestError.badConfig("commitment must be processed or confirmed (got \(config.commitment))")
        }
        self.config = config
        self.logger = logger
        var tls = TLSConfiguration.makeClientConfiguration()
        if let ca = config.tlsCAFile {
            // In addition to the system roots: a private CA must not cut off public endpoints.
            do { _ = try NIOSSLCertificate.fromPEMFile(ca); tls.additionalTrustRoots = [.file(ca)] } catch {
                throw IngestError.badConfig("tls CA file \(ca): \(error)")
            }
        }
        let dialer = try Dialer(proxy: config.proxy, connectTimeoutSeconds: config.connectTimeoutSeconds, tls: tls)
        self.dialer = dialer
        rpcs = try config.endpoints.map { e in
            do {
                return try JSONRPCClient(
                    url: e.httpURL, dialer: dialer,
                    options: .init(requestsPerSecond: e.requestsPerSecond, requestTimeoutSeconds: config.requestTimeoutSeconds),
                    logger: logger)
            } catch { throw IngestError.badConfig("endpoint \(Redact.endpoint(e.httpURL)): \(error)") }
        }
        for e in config.endpoints {
            do { _ = try EndpointURL(e.websocketURL) } catch { throw IngestError.badConfig("endpoint \(Redact.endpoint(e.websocketURL)): \(error)") }
        }
        backoff = Backoff(initial: config.backoffInitialSeconds, max: config.backoffMaxSeconds)
        // One subscription per connection goes to slotSubscribe (the heartbeat), the rest to accounts.
        let capacity = max(1, config.maxSubscriptionsPerConnection - 1)
        plan = ShardPlan(capacity: capacity, endpointCount: config.endpoints.count, maxShards: config.maxConnections)
        planner = SubscriptionPlanner(mode: config.mode, threshold: capacity)
    }

    // MARK: AccountSource

    public func read(_ keys: [Pubkey]) async throws -> [AccountData?] { try await read(keys, preferred: nil) }

    func read(_ keys: [Pubkey], preferred: Int?) async throws -> [AccountData?] {
        try await withFailover(preferred: preferred) { rpc in try await rpc.getMultipleAccounts(keys, commitment: self.config.commitment).1 }
    }

    public func programAccounts(
        _ program: Pubkey, filters: [ProgramAccountFilter], dataSlice: JSONRPCClient.DataSlice?
    ) async throws -> [AccountData] {
        try await withFailover { rpc in
            try await rpc.getProgramAccounts(program, filters: filters, dataSlice: dataSlice, commitment: self.config.commitment).1
        }
    }

    /// Follows `wanted` with one `accountSubscribe` each (nothing is known of their owners).
    public func follow(_ wanted: Set<Pubkey>) {
        follow(accounts: wanted.map { FollowedAccount(address: $0, owner: nil, dataSize: 0, head: [], tokenOwner: nil, dexes: []) })
    }

    /// Plans the subscriptions for `accounts` (accounts or programs, per DEX), re-plans the
    /// shards and wakes the affected connections.
    public func follow(accounts: [FollowedAccount]) {
        let subscriptions = planner.plan(accounts)
        let items = subscriptions.items
        let keys = Set(accounts.map(\.address))
        let (delta, sink, missing): (ShardPlan<SubscriptionItem>.Delta, AsyncStream<Int>.Continuation?, Int) = lock.withLock {
            self.wanted = accounts
            let d = plan.update(wanted: items) { $0.program != nil }
            let changedPrograms = subscriptions.programs.filter { covered[$0.key] != $0.value }.keys
            if !changedPrograms.isEmpty || covered.count != subscriptions.programs.count { coveredVersion &+= 1 }
            covered = subscriptions.programs
            unplaced = []
            for item in plan.unplaced {
                switch item {
                case .account(let k): unplaced.insert(k)
                case .program(let p): unplaced.formUnion(subscriptions.programs[p] ?? [])
                }
            }
            if !refusedAt.isEmpty { refusedAt = refusedAt.filter { keys.contains($0.key) } }
            for p in changedPrograms { if let s = plan.shardOf[.program(p)], s < shards.count { shards[s].signal.fire() } }
            for s in d.newShards {
                shards.append(
                    ShardState(
                        id: s, endpoint: plan.initialEndpoint(shard: s),
                        health: ConnectionHealth(
                            id: s, endpoint: Redact.endpoint(config.endpoints[plan.initialEndpoint(shard: s)].websocketURL),
                            state: .connecting, subscriptions: 0, reconnects: 0)))
            }
            for s in Set(d.added.keys).union(d.removed.keys) where s < shards.count { shards[s].signal.fire() }
            // Warned once per change of the count, not on every re-plan.
            let missing = unplaced.count == unplacedWarned ? 0 : unplaced.count
            unplacedWarned = unplaced.count
            return (d, newShardSink, missing)
        }
        if !delta.isEmpty {
            logger.debug(
                "ingest: plan +\(delta.added.values.map(\.count).reduce(0, +)) -\(delta.removed.values.map(\.count).reduce(0, +)) subscriptions, \(delta.newShards.count) new connection(s)"
            )
        }
        if !delta.newShards.isEmpty {
            let dexes = subscriptions.programDexes.map(\.rawValue).joined(separator: ",")
            logger.info(
                "ingest: \(accounts.count) accounts: \(subscriptions.accounts.count) account subscriptions, \(subscriptions.programs.count) program subscriptions carrying \(subscriptions.programs.values.map(\.count).reduce(0, +))\(dexes.isEmpty ? "" : " (\(dexes))"), over \(lock.withLock { plan.shards.count }) connection(s)"
            )
        }
        if missing > 0 {
            logger.warning(
                "ingest: max_connections (\(config.maxConnections)) is too few for every subscription: \(missing) account(s) are polled over HTTP instead"
            )
        }
        for s in delta.newShards { sink?.yield(s) }
    }

    public func run(into sink: any AccountSink) async throws {
        let (newShards, shardSink) = AsyncStream<Int>.makeStream()
        let existing = lock.withLock { () -> [Int] in
            newShardSink = shardSink
            return shards.map(\.id)
        }
        defer { shardSink.finish(); lock.withLock { newShardSink = nil } }
        for s in existing { shardSink.yield(s) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [self] in await pollRefused(sink) }
            // Connections are started here, by the group's owner, as the plan creates shards;
            // the stream ends when this task is cancelled.
            for await shard in newShards {
                let start = lock.withLock { () -> Bool in
                    guard !shards[shard].started else { return false }
                    shards[shard].started = true
                    return true
                }
                if start { group.addTask { [self] in await runShard(shard, sink) } }
            }
            group.cancelAll()
            try await group.waitForAll()
        }
    }

    public func connections() -> [ConnectionHealth] { lock.withLock { shards.map(\.health) } }

    /// Plans again what `follow` was last given (a provider limit moved subscriptions).
    func replanLast() { follow(accounts: lock.withLock { wanted }) }

    public func contribute(to counters: inout IngestCounters) {
        for rpc in rpcs {
            let s = rpc.stats
            counters.httpRequests += s.requests
            counters.http429 += s.http429
        }
    }

    /// Runs `body` on the endpoints in order, starting with `preferred` (default: the last one
    /// that answered), until one succeeds.
    func withFailover<T>(preferred: Int? = nil, _ body: (JSONRPCClient) async throws -> T) async throws -> T {
        var lastError: Error = IngestError.badConfig("no endpoints")
        let first = preferred ?? lock.withLock { lastGoodHTTP }
        for i in 0..<rpcs.count {
            let index = (first + i) % rpcs.count
            let rpc = rpcs[index]
            do {
                let result = try await body(rpc)
                lock.withLock { lastGoodHTTP = index }
                return result
            } catch is CancellationError { throw CancellationError() } catch {
                lastError = error
                if rpcs.count > 1 { logger.info("ingest: \(rpc.url) failed (\(error)); trying the next endpoint") }
            }
        }
        throw lastError
    }

    /// Re-reads `keys` (from `endpoint` first) into the sink.
    func resync(_ keys: [Pubkey], endpoint: Int?, _ sink: any AccountSink) async throws {
        let accounts = try await read(keys, preferred: endpoint)
        sink.resync(accounts.compactMap { $0 })
    }

    /// Accounts without a live subscription (refused) are polled instead, each period.
    func pollRefused(_ sink: any AccountSink) async {
        let period = max(0.05, min(5, config.staleAfterSeconds / 4))
        while !Task.isCancelled {
            try? await Task.sleep(nanoseconds: UInt64(period * 1e9))
            if Task.isCancelled { return }
            let unsubscribed = lock.withLock { Set(refusedAt.keys).union(unplaced) }.sorted()
            guard !unsubscribed.isEmpty else { continue }
            do { try await resync(unsubscribed, endpoint: nil, sink) } catch {
                logger.warning("ingest: polling \(unsubscribed.count) unsubscribed account(s) failed: \(error)")
            }
        }
    }

}
