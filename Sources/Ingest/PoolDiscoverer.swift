import Cache
import Dex
import Foundation
import Logging
import SolanaCore

/// Runs `[discovery]` for the engine: finds the pools of the listed mints (`PoolDiscovery`), adds
/// the new ones to the store for validation, drops what it added once a pool is gone from the
/// chain, falls below the liquidity floor or is refused by validation, and keeps the report for
/// `GET /v1/discovery`. Pools listed in `[[pools]]` are never dropped by discovery.
///
/// ```swift
/// let discoverer = PoolDiscoverer(settings, logger: logger)
/// let fresh = await discoverer.find(store: store, source: source, drop: { engine.forget($0) })
/// // … validate `fresh` …
/// discoverer.settle(store: store, drop: { engine.forget($0) })
/// ```
// @unchecked Sendable: `lock` guards report, added, foundAt and lastFound; settings and logger are immutable.
public final class PoolDiscoverer: @unchecked Sendable {
    public let settings: DiscoverySettings
    let logger: Logger
    private let lock = NSLock()
    private var report: DiscoveryReport
    /// Pools this discoverer put in the store (and may therefore take out).
    private var added: Set<Pubkey> = []
    private var foundAt: [Pubkey: Double] = [:]
    private var lastFound: [DiscoveredPool] = []

    public init(_ settings: DiscoverySettings, logger: Logger = Logger(label: "discovery")) {
        self.settings = settings
        self.logger = logger
        let dexes = DexRegistry.all.map(\.kind).filter { settings.dexes?.contains($0) ?? true }.map(\.rawValue)
        report = DiscoveryReport(mints: settings.mints, dexes: dexes, minReserveUSD: settings.minReserveUSD, refreshSeconds: settings.refreshSeconds)
        report.queriesPerRun = PoolDiscovery.queries(mints: settings.mints, dexes: settings.dexes).count
    }

    public func snapshot() -> DiscoveryReport { lock.withLock { report } }

    /// One discovery run: lists the pools, drops those it added that are gone, adds the new ones
    /// to the store (status pending) and returns them for validation. A failed run changes nothing.
    func find(store: PoolStore, source: any AccountSource, drop: ([Pubkey]) -> Void) async -> [PoolConfig] {
        let started = Date().timeIntervalSince1970
        guard let reader = source as? any ProgramAccountsReader else {
            lock.withLock { report.lastError = "this account source cannot list program accounts (discovery needs JSON-RPC)" }
            return []
        }
        let found: [DiscoveredPool]
        do {
            // The first run can take a while on a large program (many getProgramAccounts queries): say how far it is.
            let first = lock.withLock { report.runs == 0 }
            found = try await PoolDiscovery.run(reader, mints: settings.mints, dexes: settings.dexes) { p, n in
                if first { self.logger.info("discovery: query \(p.text), \(n) pool(s) so far") }
            }
        } catch {
            if !(error is CancellationError) { logger.warning("discovery: run failed, keeping the pools found before: \(error)") }
            lock.withLock {
                report.runs += 1; report.lastRunAt = started; report.lastError = "\(error)"
                report.lastDurationSeconds = Date().timeIntervalSince1970 - started
            }
            return []
        }
        let now = Date().timeIntervalSince1970
        let keys = Set(found.map(\.address))
        let gone = lock.withLock { added.subtracting(keys) }.sorted()
        if !gone.isEmpty {
            drop(gone)
            logger.info("discovery: \(gone.count) pool(s) no longer exist; dropped")
        }
        var fresh: [PoolConfig] = []
        lock.withLock {
            added.subtract(gone)
            report.dropped += gone.count
            for p in found where store.entry(p.address) == nil {
                fresh.append(PoolConfig(address: p.address, poolType: p.dex.rawValue))
                added.insert(p.address)
            }
            for p in found where foundAt[p.address] == nil { foundAt[p.address] = now }
            foundAt = foundAt.filter { keys.contains($0.key) }
            lastFound = found
            report.runs += 1; report.lastRunAt = started; report.lastError = nil
            report.lastDurationSeconds = now - started
        }
        for c in fresh { store.addPool(c) }
        logger.info("discovery: \(found.count) pool(s) of \(settings.mints.count) mints found, \(fresh.count) new")
        return fresh
    }

    /// After validation: values every pool found, drops the added ones that validation refused or
    /// that hold less than the floor, and rebuilds the report.
    func settle(store: PoolStore, drop: ([Pubkey]) -> Void) {
        let entries = store.entries()
        let prices = ReserveValuation.usdPrices(entries.filter { $0.status == .ok }, usdMints: settings.usdMints)
        let (found, mine, firstSeen) = lock.withLock { (lastFound, added, foundAt) }
        var pools: [DiscoveryReport.Pool] = []
        var dropping: [Pubkey] = []
        var newlyFollowed = 0
        let before = lock.withLock { Set(report.pools.filter { $0.state == .followed }.map(\.address)) }
        for p in found {
            let entry = store.entry(p.address)
            let value = entry?.price.flatMap { ReserveValuation.usdValue($0, prices: prices) }
            var state = DiscoveryReport.Pool.State.followed
            var reason: String?
            if !mine.contains(p.address) {
                state = .configured
            } else if let entry, entry.status != .ok && entry.status != .stale {
                state = .rejected
                reason = entry.status.description
            } else if entry == nil {
                state = .rejected
                reason = "removed"
            } else if let floor = settings.minReserveUSD, let value, value < floor {
                state = .belowFloor
                reason = "reserves worth $\(Int(value.rounded())) < min_reserve_usd \(floor)"
            }
            if mine.contains(p.address) && state != .followed { dropping.append(p.address) }
            if state == .followed && !before.contains(p.address) { newlyFollowed += 1 }
            pools.append(
                DiscoveryReport.Pool(
                    address: p.address, dex: p.dex.rawValue, mintA: p.mintA, mintB: p.mintB, state: state, reserveUSD: value, reason: reason,
                    foundAt: firstSeen[p.address] ?? 0))
        }
        if !dropping.isEmpty { drop(dropping) }
        let droppedFollowed = dropping.filter(before.contains).count
        lock.withLock {
            added.subtract(dropping)
            report.pools = pools
            report.added += newlyFollowed
            report.dropped += droppedFollowed
        }
        let counts = Dictionary(grouping: pools, by: \.state.rawValue).mapValues(\.count)
        logger.info("discovery: \(counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
    }
}
