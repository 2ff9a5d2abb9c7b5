import Cache
import Dex
import Foundation
import Logging
import RPC
import SolanaCore

/// Keeps every configured pool, and every account it depends on, identical to the chain, from
/// any `AccountSource`: validates pools at startup (snapshot reads of pools, then round by round
/// the dependents their models ask for), hands the watch set to the source as tick/bin arrays
/// move, applies its updates and resyncs to the slot-ordered store, detects stale pools, and
/// adds/removes pools at run time. The default source is JSON-RPC + PubSub (`RPCAccountSource`).
///
/// ```swift
/// let engine = try IngestEngine(store: store, config: config, logger: logger)
/// store.addPool(PoolConfig(address: pool))       // or engine.addPool(…) while running
/// let task = Task { try await engine.run() }      // until cancelled
/// engine.connections(); engine.counters()
/// ```
// @unchecked Sendable: `lock` guards skipped, retryValidation and poolDecodeErrors; the rest are lets (metrics, replanSignal lock themselves).
public final class IngestEngine: IngestControl, AccountSink, @unchecked Sendable {
    public let store: PoolStore
    public let config: IngestConfig
    /// Where accounts come from; nothing below the source knows which one it is.
    public let source: any AccountSource
    let logger: Logger
    let metrics = IngestMetrics()

    // `lock` guards skipped, retryValidation and poolDecodeErrors.
    private let lock = NSLock()
    /// Pools reported bad at validation (not found, wrong owner, unsupported): not followed.
    private var skipped: Set<Pubkey> = []
    /// Pools whose validation could not complete because the source did not answer: retried later.
    private var retryValidation: Set<Pubkey> = []
    private var poolDecodeErrors: [Pubkey: UInt64] = [:]
    private let replanSignal = Signal()
    /// `[discovery]`: pools followed by their mints, besides the configured ones.
    public let discoverer: PoolDiscoverer?
    /// Keys per validation read (one progress line each when there are more).
    static let validationSlice = 1_000

    /// An engine fed by `source`.
    public init(
        store: PoolStore, config: IngestConfig, source: any AccountSource, discovery: DiscoverySettings? = nil,
        logger: Logger = Logger(label: "ingest")
    ) {
        self.store = store
        self.config = config
        self.source = source
        self.logger = logger
        discoverer = discovery.map { PoolDiscoverer($0, logger: logger) }
    }

    /// An engine on the JSON-RPC + PubSub source of `config`; throws only on a config that cannot
    /// work at all (no endpoint, bad URL, bad CA file).
    public convenience init(
        store: PoolStore, config: IngestConfig, discovery: DiscoverySettings? = nil, logger: Logger = Logger(label: "ingest")
    ) throws {
        self.init(
            store: store, config: config, source: try RPCAccountSource(config: config, logger: logger), discovery: discovery, logger: logger)
    }

    // MARK: run

    /// Validates every pool in the store, then keeps them live until the task is cancelled.
    public func run() async throws {
        // Discovered pools join the configured ones before the first validation: one batch.
        if let discoverer { _ = await discoverer.find(store: store, source: source, drop: forget) }
        let pools = store.poolAddresses().compactMap { store.entry($0)?.config }
        logger.info("ingest: validating \(pools.count) pools over \(config.endpoints.count) endpoint(s)")
        await validate(pools)
        if Task.isCancelled { return }
        discoverer?.settle(store: store, drop: forget)
        logValidationSummary()
        replan()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [self] in await replanLoop() }
            group.addTask { [self] in await freshnessLoop() }
            if let discoverer { group.addTask { [self] in await discoveryLoop(discoverer) } }
            group.addTask { [self] in try await source.run(into: self) }
            defer { group.cancelAll() }
            try await group.next()
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
        let started = Date().timeIntervalSince1970
        for round in 0..<6 {
            let roundStarted = Date().timeIntervalSince1970
            if toFetch.isEmpty { break }
            do {
                // In slices, so the start of thousands of pools shows progress (and applies as it goes).
                var done = 0
                for slice in stride(from: 0, to: toFetch.count, by: Self.validationSlice).map({
                    toFetch[$0..<min(toFetch.count, $0 + Self.validationSlice)]
                }) {
                    let keys = Array(slice)
                    let accounts = try await source.read(keys)
                    let now = Date().timeIntervalSince1970
                    for (key, account) in zip(keys, accounts) {
                        fetched.insert(key)
                        if let account {
                            store.apply(account, receivedAt: now)
                        } else if round == 0 && source.absenceIsFinal {
                            store.setStatus(key, .notFound)
                        }
                    }
                    done += keys.count
                    if toFetch.count > Self.validationSlice {
                        let read = ProgressRate(done: done, total: toFetch.count, elapsedSeconds: Date().timeIntervalSince1970 - roundStarted)
                        logger.info("ingest: validation round \(round + 1): \(round == 0 ? "pools" : "dependent accounts") read: \(read.text)")
                    }
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
            if addresses.count > Self.validationSlice {
                let settled = store.entries(addresses).filter { $0.status != .pending }.count
                let progress = ProgressRate(done: settled, total: addresses.count, elapsedSeconds: Date().timeIntervalSince1970 - started)
                logger.info("ingest: pools validated: \(progress.text), round \(round + 1), \(toFetch.count) dependent accounts to read")
            }
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
                    if !source.absenceIsFinal {
                        // A bus follower: not published yet (its shard is starting), so retried.
                        retry.insert(address)
                        store.setStatus(address, .error("not on the bus yet (\(missing.count + (e.model == nil ? 1 : 0)) accounts missing); retried"))
                        continue
                    }
                    store.setStatus(
                        address,
                        .error(
                            missing.isEmpty ? "incomplete state" : "dependent account(s) not found: \(missing.map(\.base58).joined(separator: ", "))")
                    )
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

    /// The watch set with what the store knows of each account (owner, size, the DEXes of the
    /// pools reading it), for sources that plan program subscriptions.
    func followedAccounts() -> [FollowedAccount] {
        let skip = lock.withLock { skipped }
        var dexes: [Pubkey: Set<DexKind>] = [:]
        for e in store.entries() where !skip.contains(e.address) {
            let kind = e.dex.map { Set([$0]) } ?? []
            dexes[e.address, default: []].formUnion(kind)
            for k in e.watched { dexes[k, default: []].formUnion(kind) }
        }
        return dexes.map { FollowedAccount(address: $0.key, held: store.account($0.key), dexes: $0.value) }
    }

    /// Hands the store's watch set to the source.
    func replan() { source.follow(accounts: followedAccounts()) }

    private func replanLoop() async {
        while !Task.isCancelled {
            await replanSignal.wait()
            if Task.isCancelled { return }
            replan()
        }
    }

    /// Re-reads `keys` and applies what is newer; returns the addresses that exist.
    @discardableResult
    func resnapshot(_ keys: [Pubkey]) async throws -> Set<Pubkey> {
        let accounts = try await source.read(keys).compactMap { $0 }
        resync(accounts)
        return Set(accounts.map(\.address))
    }

    // MARK: AccountSink

    @discardableResult
    public func resync(_ accounts: [AccountData]) -> Int {
        let now = Date().timeIntervalSince1970
        var repaired: UInt64 = 0, changedWatch = false
        for account in accounts {
            let before = store.account(account.address)
            let r = store.apply(account, receivedAt: now)
            if !r.ignoredAsOlder, let before, before.data != account.data { repaired += 1 }
            changedWatch = changedWatch || r.watchSetChanged
        }
        metrics.update {
            $0.resnapshots += 1; $0.gapsRepaired += repaired
        }
        if repaired > 0 { logger.info("ingest: re-snapshot of \(accounts.count) accounts repaired \(repaired) that changed during a gap") }
        if changedWatch { replanSignal.fire() }
        return Int(repaired)
    }

    public func record(_ event: SourceEvent) {
        switch event {
        case .reconnect: metrics.update { $0.reconnects += 1 }
        case .subscriptionsRefused(let n): metrics.update { $0.subscriptionsRefused += UInt64(n) }
        case .malformed(let why):
            metrics.update { $0.malformedFrames += 1 }
            logger.warning("ingest: \(why)")
        case .accountsStale(let keys):
            let set = Set(keys)
            for e in store.entries() where set.contains(e.address) && e.status == .ok { store.setStatus(e.address, .stale) }
        case .accountsLive(let keys):
            let now = Date().timeIntervalSince1970
            for key in keys { store.markVerified(key, at: now) }
        }
    }

    public func update(_ account: AccountData, receivedAt: Double) { _ = apply(account, receivedAt: receivedAt, sameSlotNewer: false) }

    public func update(_ account: AccountData, receivedAt: Double, sameSlotNewer: Bool) {
        _ = apply(account, receivedAt: receivedAt, sameSlotNewer: sameSlotNewer)
    }

    public func apply(_ account: AccountData, receivedAt: Double) -> Bool { apply(account, receivedAt: receivedAt, sameSlotNewer: false) }

    /// The hot path: one notification into the store, with counters and latency; true when applied.
    /// `sameSlotNewer`: a Geyser write with a higher `write_version` in the held slot replaces it.
    func apply(_ account: AccountData, receivedAt: Double, sameSlotNewer: Bool) -> Bool {
        let result = store.apply(account, receivedAt: Date().timeIntervalSince1970, sameSlotNewer: sameSlotNewer)
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
        return !result.ignoredAsOlder && !result.unknownAccount
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
        let now = Date().timeIntervalSince1970
        let quiet = store.entries().filter { e in
            switch e.status {
            case .ok, .stale: break;
            default: return false
            }
            return now - max(e.lastUpdate ?? 0, e.lastVerified ?? 0) > config.staleAfterSeconds
        }
        guard !quiet.isEmpty else { return }
        let keys = Array(Set(quiet.flatMap { [$0.address] + $0.watched })).sorted()
        let present: Set<Pubkey>
        do {
            present = try await resnapshot(keys)
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
            if held.allSatisfy(present.contains) && source.isCurrent(e.address) {
                store.markVerified(e.address, at: now)
            } else {
                store.setStatus(e.address, .stale)
                gone += 1
            }
        }
        if gone > 0 { logger.warning("ingest: \(gone) quiet pool(s) have accounts that no longer exist; marked stale") }
    }

    // MARK: IngestControl

    public func connections() -> [ConnectionHealth] { source.connections() }

    public func addPool(_ config: PoolConfig) async {
        await validate([config])
        if let e = store.entry(config.address) { logger.info("ingest: added pool \(config.address): \(e.status)") }
        replan()
    }

    public func removePool(_ address: Pubkey) async -> Bool {
        let removed = store.removePool(address)
        lock.withLock {
            _ = skipped.remove(address); _ = retryValidation.remove(address); poolDecodeErrors.removeValue(forKey: address)
        }
        if removed { replan() }
        return removed
    }

    /// Removes `addresses` from the store and the engine's books in one go, then replans once.
    func forget(_ addresses: [Pubkey]) {
        var removed = false
        for a in addresses { removed = store.removePool(a) || removed }
        lock.withLock {
            skipped.subtract(addresses); retryValidation.subtract(addresses)
            for a in addresses { poolDecodeErrors.removeValue(forKey: a) }
        }
        if removed { replan() }
    }

    public func discovery() -> DiscoveryReport? { discoverer?.snapshot() }

    /// Every `refresh_seconds`: discovery again, new pools validated in one batch, then settled.
    private func discoveryLoop(_ discoverer: PoolDiscoverer) async {
        while !Task.isCancelled {
            try? await Task.sleep(nanoseconds: UInt64(max(0.05, discoverer.settings.refreshSeconds) * 1e9))
            if Task.isCancelled { return }
            let fresh = await discoverer.find(store: store, source: source, drop: forget)
            if !fresh.isEmpty { await validate(fresh) }
            if Task.isCancelled { return }
            discoverer.settle(store: store, drop: forget)
            replan()
        }
    }

    public func counters() -> IngestCounters {
        var c = metrics.snapshot()
        source.contribute(to: &c)
        return c
    }

    /// Decode errors seen per pool (notifications that left the pool undecodable).
    public func decodeErrors(pool: Pubkey) -> UInt64 { lock.withLock { poolDecodeErrors[pool] ?? 0 } }

    /// Pools reported bad at validation and therefore not subscribed.
    public var skippedPools: Set<Pubkey> { lock.withLock { skipped } }

    /// Finds the pools whose two mints are both in `mints` on every supported DEX (or `dexes`)
    /// with `getProgramAccounts`, without adding them. Needs a source that can list program accounts.
    public func discoverPools(mints: [Pubkey], dexes: Set<DexKind>? = nil) async throws -> [DiscoveredPool] {
        guard let reader = source as? any ProgramAccountsReader else {
            throw IngestError.badConfig("this account source cannot list program accounts (pool discovery needs JSON-RPC)")
        }
        return try await PoolDiscovery.run(reader, mints: mints, dexes: dexes)
    }
}

/// Why the engine could not start.
public enum IngestError: Error, CustomStringConvertible, Equatable {
    case badConfig(String)
    public var description: String {
        switch self {
        case .badConfig(let w): return "ingest config: \(w)"
        }
    }
}

/// Engine counters behind one lock.
// @unchecked Sendable: `lock` guards counters.
final class IngestMetrics: @unchecked Sendable {
    private let lock = NSLock()
    private var counters = IngestCounters()
    func update(_ body: (inout IngestCounters) -> Void) { lock.withLock { body(&counters) } }
    func snapshot() -> IngestCounters { lock.withLock { counters } }
}
