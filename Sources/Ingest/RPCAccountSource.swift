import Cache
import Foundation
import Logging
import NIOSSL
import RPC
import SolanaCore

/// The JSON-RPC + PubSub account source: snapshot reads with `getMultipleAccounts` (failover
/// across endpoints), live updates from `accountSubscribe` sharded over WebSocket connections
/// and endpoints (`ShardPlan`), reconnects with backoff, failover after repeated failures, a
/// re-read of everything a connection follows after each (re)connect, and HTTP polling for
/// accounts an endpoint refused to subscribe.
///
/// ```swift
/// let source = try RPCAccountSource(config: config, logger: logger)
/// source.follow(wanted)
/// try await source.run(into: sink)   // until cancelled
/// ```
// @unchecked Sendable: `lock` guards plan, shards, newShardSink, refusedAt, lastGoodHTTP, lastHealthWrite and wanted;
// config, dialer, rpcs, backoff and logger are immutable after init.
public final class RPCAccountSource: ProgramAccountsReader, @unchecked Sendable {
    public let config: IngestConfig
    let logger: Logger
    let dialer: Dialer
    let rpcs: [JSONRPCClient]
    let backoff: Backoff

    // `lock` guards plan, shards, refusedAt, lastGoodHTTP, lastHealthWrite, wanted and newShardSink.
    private let lock = NSLock()
    private var plan: ShardPlan
    private var shards: [ShardState] = []
    private var newShardSink: AsyncStream<Int>.Continuation?
    /// Accounts an endpoint refused to subscribe (not for its limit) and when: polled over HTTP
    /// every `stale_after_seconds / 4` (at most 5 s) until a subscription retry,
    /// `refusedRetrySeconds` later, succeeds.
    private var refusedAt: [Pubkey: Date] = [:]
    static let refusedRetrySeconds = 60.0
    /// The smallest per-connection limit the source will learn from refusals.
    static let minimumLearnedCapacity = 10
    /// The HTTP endpoint that answered last: tried first next time.
    private var lastGoodHTTP = 0
    private var lastHealthWrite: [Int: Double] = [:]
    /// What `follow` was last given (re-planned when a provider limit moves accounts).
    private var wanted: Set<Pubkey> = []

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
        plan = ShardPlan(capacity: max(1, config.maxSubscriptionsPerConnection - 1), endpointCount: config.endpoints.count)
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

    /// Re-plans the shards for `wanted` and wakes the affected connections.
    public func follow(_ wanted: Set<Pubkey>) {
        let (delta, sink): (ShardPlan.Delta, AsyncStream<Int>.Continuation?) = lock.withLock {
            self.wanted = wanted
            let d = plan.update(wanted: wanted)
            if !refusedAt.isEmpty { refusedAt = refusedAt.filter { wanted.contains($0.key) } }
            for s in d.newShards {
                shards.append(
                    ShardState(
                        id: s, endpoint: plan.initialEndpoint(shard: s),
                        health: ConnectionHealth(
                            id: s, endpoint: Redact.endpoint(config.endpoints[plan.initialEndpoint(shard: s)].websocketURL),
                            state: .connecting, subscriptions: 0, reconnects: 0)))
            }
            for s in Set(d.added.keys).union(d.removed.keys) where s < shards.count { shards[s].signal.fire() }
            return (d, newShardSink)
        }
        if !delta.isEmpty {
            logger.debug(
                "ingest: plan +\(delta.added.values.map(\.count).reduce(0, +)) -\(delta.removed.values.map(\.count).reduce(0, +)) accounts, \(delta.newShards.count) new connection(s)"
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
    private func resync(_ keys: [Pubkey], endpoint: Int?, _ sink: any AccountSink) async throws {
        let accounts = try await read(keys, preferred: endpoint)
        sink.resync(accounts.compactMap { $0 })
    }

    /// Accounts without a live subscription (refused) are polled instead, each period.
    private func pollRefused(_ sink: any AccountSink) async {
        let period = max(0.05, min(5, config.staleAfterSeconds / 4))
        while !Task.isCancelled {
            try? await Task.sleep(nanoseconds: UInt64(period * 1e9))
            if Task.isCancelled { return }
            let unsubscribed = lock.withLock { Array(refusedAt.keys) }.sorted()
            guard !unsubscribed.isEmpty else { continue }
            do { try await resync(unsubscribed, endpoint: nil, sink) } catch {
                logger.warning("ingest: polling \(unsubscribed.count) unsubscribed account(s) failed: \(error)")
            }
        }
    }

    // MARK: connections

    /// One shard's connection for as long as the engine runs: connect, subscribe, re-snapshot,
    /// stream; on any failure back off (per endpoint), fail over after repeated failures, repeat.
    private func runShard(_ id: Int, _ sink: any AccountSink) async {
        var rng = SystemRandomNumberGenerator()
        var failures = 0
        while !Task.isCancelled {
            let endpoint = lock.withLock { shards[id].endpoint }
            let ep = config.endpoints[endpoint]
            let name = Redact.endpoint(ep.websocketURL)
            updateHealth(id) {
                $0.endpoint = name; $0.state = .connecting
            }
            var wasLive = false
            do {
                let ws = try await PubSubConnection.connect(
                    url: ep.websocketURL, dialer: dialer,
                    options: .init(
                        pingIntervalSeconds: config.pingIntervalSeconds, silenceDeadlineSeconds: config.silenceDeadlineSeconds,
                        connectTimeoutSeconds: config.connectTimeoutSeconds, requestTimeoutSeconds: config.requestTimeoutSeconds),
                    logger: logger)
                defer { ws.close() }
                updateHealth(id) {
                    $0.state = .subscribing; $0.lastMessageAt = Date().timeIntervalSince1970
                }
                try await ws.slotSubscribe()
                try await reconcile(shard: id, ws: ws, endpoint: endpoint, snapshotAll: true, sink)
                updateHealth(id) {
                    $0.state = .live; $0.lastError = nil
                }
                wasLive = true
                failures = 0
                logger.info("ingest: connection \(id) live on \(name) with \(ws.subscriptionCount) account subscriptions")
                try await stream(shard: id, ws: ws, endpoint: endpoint, sink)
            } catch is CancellationError {
                break
            } catch {
                if Task.isCancelled { break }
                updateHealth(id) { $0.lastError = "\(error)" }
                logger.warning("ingest: connection \(id) on \(name) \(wasLive ? "lost" : "failed"): \(error)")
            }
            if Task.isCancelled { break }
            failures += 1
            sink.record(.reconnect)
            var failedOver = false
            lock.withLock {
                shards[id].health.reconnects += 1
                if failures >= config.failoverAfterFailures && config.endpoints.count > 1 {
                    shards[id].endpoint = (shards[id].endpoint + 1) % config.endpoints.count
                    failedOver = true
                }
            }
            if failedOver {
                logger.warning("ingest: connection \(id) failing over from \(name) after \(failures) failures")
                failures = 0
            }
            let wait = failedOver ? 0 : backoff.delay(attempt: failures, using: &rng)
            updateHealth(id) {
                $0.state = .backingOff; $0.subscriptions = 0
            }
            try? await Task.sleep(nanoseconds: UInt64(wait * 1e9))
        }
        updateHealth(id) {
            $0.state = .failed; $0.lastError = $0.lastError ?? "stopped"
        }
    }

    /// Brings the connection's subscriptions in line with the plan, then re-reads (with
    /// `getMultipleAccounts`) what was just subscribed — or everything after a reconnect — so
    /// no update missed before the subscription started survives. Older snapshots are ignored
    /// by the store's slot order.
    private func reconcile(shard id: Int, ws: PubSubConnection, endpoint: Int, snapshotAll: Bool, _ sink: any AccountSink) async throws {
        let wanted = lock.withLock { plan.shards.indices.contains(id) ? plan.shards[id] : [] }
        let have = Set(ws.subscribedAccounts)
        for key in have.subtracting(wanted) { try await ws.unsubscribe(account: key) }
        let now = Date()
        let add = lock.withLock {
            wanted.subtracting(have).filter { refusedAt[$0].map { now.timeIntervalSince($0) >= Self.refusedRetrySeconds } ?? true }
        }.sorted()
        if !add.isEmpty {
            let failed = await ws.subscribe(accounts: add, commitment: config.commitment)
            // A dead link ends the connection; a refusal (limit, bad key) is handled per account.
            if let (_, error) = failed.first(where: { TransportError.rpcCode(of: $0.1) == nil }) { throw error }
            if !failed.isEmpty { subscriptionsRefused(shard: id, refused: failed, accepted: ws.subscriptionCount, sink) }
            let refusedKeys = Set(failed.map(\.0))
            lock.withLock { for key in add where !refusedKeys.contains(key) { refusedAt[key] = nil } }
        }
        let refusedHere = lock.withLock { wanted.filter { refusedAt[$0] != nil }.count }
        updateHealth(id) {
            $0.subscriptions = ws.subscriptionCount + 1; $0.refusedSubscriptions = refusedHere
        }
        let snapshot = snapshotAll ? Array(wanted).sorted() : add
        if !snapshot.isEmpty { try await resync(snapshot, endpoint: endpoint, sink) }
    }

    /// An endpoint refused some subscriptions of a connection that holds `accepted`. Below the
    /// plan's capacity that is the provider's per-connection limit (lower than configured): the
    /// capacity drops to it for every connection and the overflow moves to other or new
    /// connections, so every account keeps a live subscription. A key refused as invalid
    /// (JSON-RPC -32602), or refused on a connection that took fewer than
    /// `minimumLearnedCapacity` (more likely a provider-wide budget running out than a
    /// per-connection limit; re-sharding would only open connections that are refused too),
    /// waits for the retry.
    private func subscriptionsRefused(shard id: Int, refused: [(Pubkey, Error)], accepted: Int, _ sink: any AccountSink) {
        sink.record(.subscriptionsRefused(refused.count))
        let invalid = refused.contains { TransportError.rpcCode(of: $0.1) == -32602 }
        let keys = refused.map(\.0)
        let (lowered, from): (Set<Int>?, Int) = lock.withLock {
            let from = plan.capacity
            let touched = invalid || accepted < Self.minimumLearnedCapacity ? nil : plan.lowerCapacity(to: accepted, evicting: keys)
            if touched != nil { for k in keys { refusedAt[k] = nil } } else { for k in keys { refusedAt[k] = Date() } }
            for s in touched ?? [] where s < shards.count { shards[s].signal.fire() }
            return (touched, from)
        }
        if lowered != nil {
            let change = from == accepted ? "capacity already \(accepted)" : "capacity lowered from \(from) to \(accepted)"
            logger.warning(
                "ingest: connection \(id): the endpoint refused subscriptions beyond \(accepted) per connection (\(refused[0].1)); \(change), \(keys.count) account(s) move to other connections"
            )
            follow(lock.withLock { wanted })
        } else {
            logger.error(
                "ingest: connection \(id): \(keys.count) subscription(s) refused, first \(keys[0]): \(refused[0].1); kept fresh by re-reads, retried in \(Int(Self.refusedRetrySeconds)) s"
            )
        }
    }

    /// Applies notifications until the connection ends; also picks up plan changes for this shard.
    private func stream(shard id: Int, ws: PubSubConnection, endpoint: Int, _ sink: any AccountSink) async throws {
        let signal = lock.withLock { shards[id].signal }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                for await event in ws.events {
                    switch event {
                    case let .account(account, receivedAt):
                        sink.update(account, receivedAt: receivedAt)
                        updateHealth(id, coalesce: true) { $0.lastMessageAt = Date().timeIntervalSince1970 }
                    case .slot:
                        updateHealth(id, coalesce: true) { $0.lastMessageAt = Date().timeIntervalSince1970 }
                    case .malformed(let why):
                        sink.record(.malformed("connection \(id): unreadable frame: \(why)"))
                    case .closed(let error):
                        throw error ?? TransportError.connectionClosed
                    }
                }
                throw TransportError.connectionClosed
            }
            group.addTask { [self] in
                while true {
                    await signal.wait(timeout: 1)
                    try Task.checkCancellation()
                    try await reconcile(shard: id, ws: ws, endpoint: endpoint, snapshotAll: false, sink)
                }
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    private func updateHealth(_ id: Int, coalesce: Bool = false, _ body: (inout ConnectionHealth) -> Void) {
        lock.withLock {
            guard shards.indices.contains(id) else { return }
            if coalesce {
                // lastMessageAt at ~10 Hz is plenty for health; skip the write on every frame.
                let now = ProcessInfo.processInfo.systemUptime
                if let last = lastHealthWrite[id], now - last < 0.1 { return }
                lastHealthWrite[id] = now
            }
            body(&shards[id].health)
        }
    }
}

/// One shard's bookkeeping.
struct ShardState {
    let id: Int
    var endpoint: Int
    var health: ConnectionHealth
    var started = false
    let signal = Signal()
}
