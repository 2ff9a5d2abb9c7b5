import Cache
import Dex
import Foundation
import Logging
import NIOSSL
import RPC
import SolanaCore

/// Keeps every configured pool, and every account it depends on, identical to the chain:
/// validates pools at startup (`getMultipleAccounts`, ≤ 100 keys per call), subscribes to their
/// accounts over PubSub WebSockets sharded across connections and endpoints, reconnects with
/// backoff, resubscribes and re-snapshots after every reconnect, fails over between endpoints,
/// follows tick/bin-array moves, detects stale pools, and adds/removes pools at run time.
///
/// ```swift
/// let engine = try IngestEngine(store: store, config: config, logger: logger)
/// store.addPool(PoolConfig(address: pool))       // or engine.addPool(…) while running
/// let task = Task { try await engine.run() }      // until cancelled
/// engine.connections(); engine.counters()
/// ```
public final class IngestEngine: IngestControl, @unchecked Sendable {
    public let store: PoolStore
    public let config: IngestConfig
    let logger: Logger
    let dialer: Dialer
    let rpcs: [JSONRPCClient]
    let backoff: Backoff
    let metrics = IngestMetrics()

    private let lock = NSLock()
    private var plan: ShardPlan
    private var shards: [ShardState] = []
    /// Pools reported bad at validation (not found, wrong owner, unsupported): not subscribed.
    private var skipped: Set<Pubkey> = []
    /// Pools whose validation could not complete because no endpoint answered: retried later.
    private var retryValidation: Set<Pubkey> = []
    private var poolDecodeErrors: [Pubkey: UInt64] = [:]
    private var newShardSink: AsyncStream<Int>.Continuation?
    private let replanSignal = Signal()
    /// Accounts an endpoint refused to subscribe (not for its limit) and when: polled over HTTP
    /// by the freshness loop (every `stale_after_seconds / 4`, at most 5 s) until a subscription
    /// retry, `refusedRetrySeconds` later, succeeds.
    private var refusedAt: [Pubkey: Date] = [:]
    static let refusedRetrySeconds = 60.0
    /// The smallest per-connection limit the engine will learn from refusals.
    static let minimumLearnedCapacity = 10
    /// The HTTP endpoint that answered last: tried first next time.
    private var lastGoodHTTP = 0

    /// Creates the engine; throws only on a config that cannot work at all (no endpoint, bad URL, bad CA file).
    public init(store: PoolStore, config: IngestConfig, logger: Logger = Logger(label: "ingest")) throws {
        guard !config.endpoints.isEmpty else { throw IngestError.badConfig("no endpoints configured") }
        guard ["processed", "confirmed", "finalized"].contains(config.commitment) else {
            throw IngestError.badConfig("commitment must be processed or confirmed (got \(config.commitment))")
        }
        self.store = store
        self.config = config
        self.logger = logger
        var tls = TLSConfiguration.makeClientConfiguration()
        if let ca = config.tlsCAFile {
            // In addition to the system roots: a private CA must not cut off public endpoints.
            do { _ = try NIOSSLCertificate.fromPEMFile(ca); tls.additionalTrustRoots = [.file(ca)] } catch {
                throw IngestError.badConfig("tls CA file \(ca): \(error)")
            }
        }
        let dialer = try Dialer(proxy: config.proxy.map(Self.proxySettings), connectTimeoutSeconds: config.connectTimeoutSeconds, tls: tls)
        self.dialer = dialer
        rpcs = try config.endpoints.map { e in
            do {
                return try JSONRPCClient(url: e.httpURL, dialer: dialer,
                                         options: .init(requestsPerSecond: e.requestsPerSecond, requestTimeoutSeconds: config.requestTimeoutSeconds),
                                         logger: logger)
            } catch { throw IngestError.badConfig("endpoint \(EndpointURL.redactedForLog(e.httpURL)): \(error)") }
        }
        for e in config.endpoints {
            do { _ = try EndpointURL(e.websocketURL) } catch { throw IngestError.badConfig("endpoint \(EndpointURL.redactedForLog(e.websocketURL)): \(error)") }
        }
        backoff = Backoff(initial: config.backoffInitialSeconds, max: config.backoffMaxSeconds)
        // One subscription per connection goes to slotSubscribe (the heartbeat), the rest to accounts.
        plan = ShardPlan(capacity: max(1, config.maxSubscriptionsPerConnection - 1), endpointCount: config.endpoints.count)
    }

    static func proxySettings(_ p: IngestConfig.Proxy) -> ProxySettings {
        ProxySettings(kind: p.kind == .http ? .httpConnect : .socks5, host: p.host, port: p.port, username: p.username, password: p.password)
    }

    // MARK: run

    /// Validates every pool in the store, then keeps them live until the task is cancelled.
    public func run() async throws {
        let pools = store.poolAddresses().compactMap { store.entry($0)?.config }
        logger.info("ingest: validating \(pools.count) pools over \(config.endpoints.count) endpoint(s)")
        await validate(pools)
        if Task.isCancelled { return }
        logValidationSummary()
        let (newShards, sink) = AsyncStream<Int>.makeStream()
        lock.withLock { newShardSink = sink }
        defer { sink.finish(); lock.withLock { newShardSink = nil } }
        replan()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [self] in await replanLoop() }
            group.addTask { [self] in await freshnessLoop() }
            // Connections are started here, by the group's owner, as the plan creates shards;
            // the stream ends when this task is cancelled.
            for await shard in newShards {
                let start = lock.withLock { () -> Bool in
                    guard !shards[shard].started else { return false }
                    shards[shard].started = true
                    return true
                }
                if start { group.addTask { [self] in await runShard(shard) } }
            }
            group.cancelAll()
            try await group.waitForAll()
        }
    }

    private func logValidationSummary() {
        var byStatus: [String: Int] = [:]
        for e in store.entries() {
            byStatus[e.status.label, default: 0] += 1
            switch e.status {
            case .ok, .pending: break
            default: logger.warning("pool \(e.address)\(e.config.name.map { " (\($0))" } ?? ""): \(e.status)")
            }
        }
        logger.info("ingest: validation done: \(byStatus.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
    }

    // MARK: validation

    /// Fetches every pool account and then, round by round, the dependents the decoded models
    /// ask for (vaults, configs, mints, arrays), applying all to the store. Sets each pool's status.
    func validate(_ pools: [PoolConfig]) async {
        let addresses = pools.map(\.address)
        for p in pools { store.addPool(p) }
        var fetched = Set<Pubkey>()
        var failed: [Pubkey: String] = [:]
        var toFetch = addresses
        for round in 0..<6 {
            if toFetch.isEmpty { break }
            do {
                let (_, accounts) = try await withFailover { rpc in try await rpc.getMultipleAccounts(toFetch, commitment: self.config.commitment) }
                let now = Date().timeIntervalSince1970
                for (key, account) in zip(toFetch, accounts) {
                    fetched.insert(key)
                    if let account { store.apply(account, receivedAt: now) } else if round == 0 { store.setStatus(key, .notFound) }
                }
            } catch {
                // Stopping (Ctrl-C, the API port taken): not a verdict on the pools, so no status and no warning.
                if Task.isCancelled || error is CancellationError { return }
                for key in toFetch { failed[key] = "\(error)" }
                logger.warning("ingest: validation fetch of \(toFetch.count) accounts failed: \(error)")
                break
            }
            // The models now know their dependents; fetch the ones we have not seen.
            let mine = Set(addresses)
            var next = Set<Pubkey>()
            for e in store.entries() where mine.contains(e.address) {
                for k in e.watched where !fetched.contains(k) { next.insert(k) }
            }
            toFetch = next.sorted()
        }
        var skip = Set<Pubkey>(), retry = Set<Pubkey>()
        for address in addresses {
            guard let e = store.entry(address) else { continue }
            switch e.status {
            case .notFound, .wrongOwner, .unsupported:
                skip.insert(address)
            case .pending:
                if let why = failed[address] ?? e.watched.compactMap({ failed[$0] }).first {
                    store.setStatus(address, .error("validation: \(why)"))
                    retry.insert(address)
                } else {
                    let missing = e.watched.filter { store.account($0) == nil }
                    store.setStatus(address, .error(missing.isEmpty ? "incomplete state" : "dependent account(s) not found: \(missing.map(\.base58).joined(separator: ", "))"))
                }
            default: break
            }
        }
        // A skipped pool keeps its entry and status (for the API) but not its bytes: nothing keeps
        // them live, and the cache never serves state it does not follow. (Bytes another pool
        // reads, e.g. a vault configured as a pool, stay: removePool keeps accounts with readers.)
        for address in skip {
            guard let e = store.entry(address) else { continue }
            _ = store.removePool(address)
            store.addPool(e.config)
            store.setStatus(address, e.status)
        }
        lock.withLock {
            skipped.formUnion(skip)
            skipped.subtract(addresses.filter { !skip.contains($0) })
            retryValidation.formUnion(retry)
            retryValidation.subtract(addresses.filter { !retry.contains($0) })
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

    // MARK: planning

    /// The accounts to subscribe: every pool's and dependent's, except pools reported bad
    /// (an address skipped as a pool may still be another pool's vault or mint: kept then).
    func wantedAccounts() -> Set<Pubkey> {
        let skip = lock.withLock { skipped }
        var wanted = Set<Pubkey>()
        for e in store.entries() where !skip.contains(e.address) {
            wanted.insert(e.address)
            wanted.formUnion(e.watched)
        }
        return wanted
    }

    /// Re-plans the shards from the store's watch set and wakes the affected connections.
    func replan() {
        let wanted = wantedAccounts()
        let (delta, sink): (ShardPlan.Delta, AsyncStream<Int>.Continuation?) = lock.withLock {
            let d = plan.update(wanted: wanted)
            if !refusedAt.isEmpty { refusedAt = refusedAt.filter { wanted.contains($0.key) } }
            for s in d.newShards {
                shards.append(ShardState(id: s, endpoint: plan.initialEndpoint(shard: s),
                                         health: ConnectionHealth(id: s, endpoint: EndpointURL.redactedForLog(config.endpoints[plan.initialEndpoint(shard: s)].websocketURL),
                                                                  state: .connecting, subscriptions: 0, reconnects: 0)))
            }
            for s in Set(d.added.keys).union(d.removed.keys) where s < shards.count { shards[s].signal.fire() }
            return (d, newShardSink)
        }
        if !delta.isEmpty {
            logger.debug("ingest: plan +\(delta.added.values.map(\.count).reduce(0, +)) -\(delta.removed.values.map(\.count).reduce(0, +)) accounts, \(delta.newShards.count) new connection(s)")
        }
        for s in delta.newShards { sink?.yield(s) }
    }

    private func replanLoop() async {
        while !Task.isCancelled {
            await replanSignal.wait()
            if Task.isCancelled { return }
            replan()
        }
    }

    // MARK: connections

    /// One shard's connection for as long as the engine runs: connect, subscribe, re-snapshot,
    /// stream; on any failure back off (per endpoint), fail over after repeated failures, repeat.
    private func runShard(_ id: Int) async {
        var rng = SystemRandomNumberGenerator()
        var failures = 0
        while !Task.isCancelled {
            let endpoint = lock.withLock { shards[id].endpoint }
            let ep = config.endpoints[endpoint]
            let name = EndpointURL.redactedForLog(ep.websocketURL)
            updateHealth(id) { $0.endpoint = name; $0.state = .connecting }
            var wasLive = false
            do {
                let ws = try await PubSubConnection.connect(
                    url: ep.websocketURL, dialer: dialer,
                    options: .init(pingIntervalSeconds: config.pingIntervalSeconds, silenceDeadlineSeconds: config.silenceDeadlineSeconds,
                                   connectTimeoutSeconds: config.connectTimeoutSeconds, requestTimeoutSeconds: config.requestTimeoutSeconds),
                    logger: logger)
                defer { ws.close() }
                updateHealth(id) { $0.state = .subscribing; $0.lastMessageAt = Date().timeIntervalSince1970 }
                try await ws.slotSubscribe()
                try await reconcile(shard: id, ws: ws, endpoint: endpoint, snapshotAll: true)
                updateHealth(id) { $0.state = .live; $0.lastError = nil }
                wasLive = true
                failures = 0
                logger.info("ingest: connection \(id) live on \(name) with \(ws.subscriptionCount) account subscriptions")
                try await stream(shard: id, ws: ws, endpoint: endpoint)
            } catch is CancellationError {
                break
            } catch {
                if Task.isCancelled { break }
                updateHealth(id) { $0.lastError = "\(error)" }
                logger.warning("ingest: connection \(id) on \(name) \(wasLive ? "lost" : "failed"): \(error)")
            }
            if Task.isCancelled { break }
            failures += 1
            metrics.update { $0.reconnects += 1 }
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
            updateHealth(id) { $0.state = .backingOff; $0.subscriptions = 0 }
            try? await Task.sleep(nanoseconds: UInt64(wait * 1e9))
        }
        updateHealth(id) { $0.state = .failed; $0.lastError = $0.lastError ?? "stopped" }
    }

    /// Brings the connection's subscriptions in line with the plan, then re-reads (with
    /// `getMultipleAccounts`) what was just subscribed — or everything after a reconnect — so
    /// no update missed before the subscription started survives. Older snapshots are ignored
    /// by the store's slot order.
    private func reconcile(shard id: Int, ws: PubSubConnection, endpoint: Int, snapshotAll: Bool) async throws {
        let wanted = lock.withLock { plan.shards.indices.contains(id) ? plan.shards[id] : [] }
        let have = Set(ws.subscribedAccounts)
        for key in have.subtracting(wanted) { try await ws.unsubscribe(account: key) }
        let now = Date()
        let add = lock.withLock { wanted.subtracting(have).filter { refusedAt[$0].map { now.timeIntervalSince($0) >= Self.refusedRetrySeconds } ?? true } }.sorted()
        if !add.isEmpty {
            let failed = await ws.subscribe(accounts: add, commitment: config.commitment)
            // A dead link ends the connection; a refusal (limit, bad key) is handled per account.
            if let (_, error) = failed.first(where: { TransportError.rpcCode(of: $0.1) == nil }) { throw error }
            if !failed.isEmpty { subscriptionsRefused(shard: id, refused: failed, accepted: ws.subscriptionCount) }
            let refusedKeys = Set(failed.map(\.0))
            lock.withLock { for key in add where !refusedKeys.contains(key) { refusedAt[key] = nil } }
        }
        let refusedHere = lock.withLock { wanted.filter { refusedAt[$0] != nil }.count }
        updateHealth(id) { $0.subscriptions = ws.subscriptionCount + 1; $0.refusedSubscriptions = refusedHere }
        let snapshot = snapshotAll ? Array(wanted).sorted() : add
        if !snapshot.isEmpty { try await resnapshot(snapshot, endpoint: endpoint) }
    }

    /// An endpoint refused some subscriptions of a connection that holds `accepted`. Below the
    /// plan's capacity that is the provider's per-connection limit (lower than configured): the
    /// capacity drops to it for every connection and the overflow moves to other or new
    /// connections, so every account keeps a live subscription. A key refused as invalid
    /// (JSON-RPC -32602), or refused on a connection that took fewer than
    /// `minimumLearnedCapacity` (more likely a provider-wide budget running out than a
    /// per-connection limit; re-sharding would only open connections that are refused too),
    /// waits for the retry.
    private func subscriptionsRefused(shard id: Int, refused: [(Pubkey, Error)], accepted: Int) {
        metrics.update { $0.subscriptionsRefused += UInt64(refused.count) }
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
            logger.warning("ingest: connection \(id): the endpoint refused subscriptions beyond \(accepted) per connection (\(refused[0].1)); \(change), \(keys.count) account(s) move to other connections")
            replan()
        } else {
            logger.error("ingest: connection \(id): \(keys.count) subscription(s) refused, first \(keys[0]): \(refused[0].1); kept fresh by re-reads, retried in \(Int(Self.refusedRetrySeconds)) s")
        }
    }

    /// Reads `keys` over HTTP and applies whatever is newer than the cache.
    /// Re-reads `keys` and applies what is newer; returns the addresses that exist.
    @discardableResult
    func resnapshot(_ keys: [Pubkey], endpoint: Int?) async throws -> Set<Pubkey> {
        let (_, accounts) = try await withFailover(preferred: endpoint) { rpc in try await rpc.getMultipleAccounts(keys, commitment: self.config.commitment) }
        let now = Date().timeIntervalSince1970
        var repaired: UInt64 = 0, changedWatch = false
        for account in accounts.compactMap({ $0 }) {
            let before = store.account(account.address)
            let r = store.apply(account, receivedAt: now)
            if !r.ignoredAsOlder, let before, before.data != account.data { repaired += 1 }
            changedWatch = changedWatch || r.watchSetChanged
        }
        metrics.update { $0.resnapshots += 1; $0.gapsRepaired += repaired }
        if repaired > 0 { logger.info("ingest: re-snapshot of \(keys.count) accounts repaired \(repaired) that changed during a gap") }
        if changedWatch { replanSignal.fire() }
        return Set(accounts.compactMap { $0?.address })
    }

    /// Applies notifications until the connection ends; also picks up plan changes for this shard.
    private func stream(shard id: Int, ws: PubSubConnection, endpoint: Int) async throws {
        let signal = lock.withLock { shards[id].signal }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                for await event in ws.events {
                    switch event {
                    case let .account(account, receivedAt):
                        handle(account, receivedAt: receivedAt)
                        updateHealth(id, coalesce: true) { $0.lastMessageAt = Date().timeIntervalSince1970 }
                    case .slot:
                        updateHealth(id, coalesce: true) { $0.lastMessageAt = Date().timeIntervalSince1970 }
                    case .malformed(let why):
                        metrics.update { $0.malformedFrames += 1 }
                        logger.warning("ingest: connection \(id): unreadable frame: \(why)")
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
                    try await reconcile(shard: id, ws: ws, endpoint: endpoint, snapshotAll: false)
                }
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    /// The hot path: one notification into the store, with counters and latency.
    func handle(_ account: AccountData, receivedAt: Double) {
        let result = store.apply(account, receivedAt: Date().timeIntervalSince1970)
        let latency = ProcessInfo.processInfo.systemUptime - receivedAt
        var decodeFailedPool: Pubkey?
        if !result.ignoredAsOlder && !result.unknownAccount && result.changedPools.isEmpty, let e = store.entry(account.address) {
            switch e.status {
            case .error, .unsupported, .wrongOwner: decodeFailedPool = e.address
            default: break
            }
        }
        metrics.update {
            $0.notifications += 1
            if result.ignoredAsOlder { $0.ignoredOlder += 1 } else if !result.unknownAccount { $0.appliedUpdates += 1 }
            if decodeFailedPool != nil { $0.decodeErrors += 1 }
            $0.latency.record(latency)
            if $0.latencySamples.count >= 1_024 { $0.latencySamples.removeFirst(512) }
            $0.latencySamples.append(latency)
        }
        if let pool = decodeFailedPool { lock.withLock { poolDecodeErrors[pool, default: 0] += 1 } }
        if result.watchSetChanged { replanSignal.fire() }
    }

    private var lastHealthWrite: [Int: Double] = [:]

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

    // MARK: freshness

    /// Every few seconds: pools with no update and no confirmation for `staleAfterSeconds` are
    /// re-read over HTTP (repairing any silent gap). Those read back whole are confirmed current
    /// (a pool that does not trade is not stale); those that cannot be re-read, or whose accounts
    /// are gone, become `stale`. Pools whose validation failed for lack of an endpoint are retried.
    private func freshnessLoop() async {
        let period = max(0.05, min(5, config.staleAfterSeconds / 4))
        while !Task.isCancelled {
            try? await Task.sleep(nanoseconds: UInt64(period * 1e9))
            if Task.isCancelled { return }
            await checkFreshness()
        }
    }

    func checkFreshness() async {
        let retry = lock.withLock { retryValidation }
        if !retry.isEmpty {
            await validate(retry.compactMap { store.entry($0)?.config })
            replan()
        }
        // Accounts without a live subscription (refused) are polled instead, each period.
        let unsubscribed = lock.withLock { Array(refusedAt.keys) }.sorted()
        if !unsubscribed.isEmpty {
            do { try await resnapshot(unsubscribed, endpoint: nil) } catch {
                logger.warning("ingest: polling \(unsubscribed.count) unsubscribed account(s) failed: \(error)")
            }
        }
        let now = Date().timeIntervalSince1970
        let quiet = store.entries().filter { e in
            switch e.status { case .ok, .stale: break; default: return false }
            return now - max(e.lastUpdate ?? 0, e.lastVerified ?? 0) > config.staleAfterSeconds
        }
        guard !quiet.isEmpty else { return }
        let keys = Array(Set(quiet.flatMap { [$0.address] + $0.watched })).sorted()
        let present: Set<Pubkey>
        do {
            present = try await resnapshot(keys, endpoint: nil)
        } catch {
            for e in quiet { store.setStatus(e.address, .stale) }
            logger.warning("ingest: \(quiet.count) quiet pool(s) could not be re-read (\(error)); marked stale")
            return
        }
        var gone = 0
        for e in quiet {
            // The pool and every account held for it must still exist (a watched tick/bin array
            // that was never initialized is legitimately absent).
            let held = [e.address] + (store.entry(e.address)?.watched ?? e.watched).filter { store.account($0) != nil }
            if held.allSatisfy(present.contains) {
                store.markVerified(e.address, at: now)
            } else {
                store.setStatus(e.address, .stale)
                gone += 1
            }
        }
        if gone > 0 { logger.warning("ingest: \(gone) quiet pool(s) have accounts that no longer exist; marked stale") }
    }

    // MARK: IngestControl

    public func connections() -> [ConnectionHealth] { lock.withLock { shards.map(\.health) } }

    public func addPool(_ config: PoolConfig) async {
        await validate([config])
        if let e = store.entry(config.address) { logger.info("ingest: added pool \(config.address): \(e.status)") }
        replan()
    }

    public func removePool(_ address: Pubkey) async -> Bool {
        let removed = store.removePool(address)
        lock.withLock { _ = skipped.remove(address); _ = retryValidation.remove(address); poolDecodeErrors.removeValue(forKey: address) }
        if removed { replan() }
        return removed
    }

    public func counters() -> IngestCounters {
        var c = metrics.snapshot()
        for rpc in rpcs {
            let s = rpc.stats
            c.httpRequests += s.requests
            c.http429 += s.http429
        }
        return c
    }

    /// Decode errors seen per pool (notifications that left the pool undecodable).
    public func decodeErrors(pool: Pubkey) -> UInt64 { lock.withLock { poolDecodeErrors[pool] ?? 0 } }

    /// Pools reported bad at validation and therefore not subscribed.
    public var skippedPools: Set<Pubkey> { lock.withLock { skipped } }

    /// Finds pools of the given mint pair on every supported DEX with `getProgramAccounts`
    /// (exact size + both mints by memcmp, both orders). Returns their addresses; `add` also
    /// adds them to the cache.
    public func discoverPools(mintA: Pubkey, mintB: Pubkey, dexes: Set<DexKind>? = nil, add: Bool = false) async throws -> [(DexKind, Pubkey)] {
        var found: [(DexKind, Pubkey)] = []
        for q in PoolDiscovery.queries(mintA: mintA, mintB: mintB, dexes: dexes) {
            let (_, accounts) = try await withFailover { rpc in try await rpc.getProgramAccounts(q.program, filters: q.filters, commitment: self.config.commitment) }
            for a in accounts where (AccountRegistry.poolModels.contains { $0.isPool(a) }) { found.append((q.dex, a.address)) }
        }
        if add {
            for (dex, key) in found where store.entry(key) == nil {
                await addPool(PoolConfig(address: key, poolType: dex.rawValue))
            }
        }
        return found
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

/// Why the engine could not start.
public enum IngestError: Error, CustomStringConvertible, Equatable {
    case badConfig(String)
    public var description: String {
        switch self { case .badConfig(let w): return "ingest config: \(w)" }
    }
}

/// Engine counters behind one lock.
final class IngestMetrics: @unchecked Sendable {
    private let lock = NSLock()
    private var counters = IngestCounters()
    func update(_ body: (inout IngestCounters) -> Void) { lock.withLock { body(&counters) } }
    func snapshot() -> IngestCounters { lock.withLock { counters } }
}

extension EndpointURL {
    /// scheme://host:port of a configured URL, for logs and health (never the query: it may hold a key).
    public static func redactedForLog(_ text: String) -> String {
        (try? EndpointURL(text))?.description ?? String(text.prefix { $0 != "?" }.prefix(80))
    }
}
