import Arbitrage
import Cache
import Foundation
import Ingest
import Logging
import Persistence
import Server
import ServiceLifecycle

/// Adapts `ArbitrageEngine` (pure, single-threaded) to the API: feeds it the store's pool
/// changes, keeps the standing opportunities, and publishes new ones. The engine keeps every
/// profitable cycle; `router.min_roi_percent` is applied here, on what is reported (the API's
/// list, the stream, `/scan-arbitrage` without `threshold_pct`).
// @unchecked Sendable: `lock` guards standing, listeners, cycleStats, warnedTruncation and the single-threaded `engine`.
public final class ArbitrageService: OpportunityProvider, Service, @unchecked Sendable {
    public let store: PoolStore
    private let engine: ArbitrageEngine
    public let router: RouterSettings
    public let minimumROI: MinimumROI
    private let logger: Logger
    /// Guards `engine`, `standing`, `listeners`, `cycleStats` and `warnedTruncation`.
    private let lock = NSLock()
    private var standing: [Opportunity] = []
    private var listeners: [UUID: AsyncStream<Opportunity>.Continuation] = [:]
    private var cycleStats: (byHops: [Int: Int], truncated: Bool)?
    private var warnedTruncation = false

    public init(
        store: PoolStore, config: ArbitrageConfig, router: RouterSettings = RouterSettings(minROIPercent: 0, maxHops: 3),
        logger: Logger = Logger(label: "arbitrage")
    ) {
        self.store = store
        self.engine = ArbitrageEngine(config: config)
        self.router = router
        self.minimumROI = MinimumROI(percent: router.minROIPercent)
        self.logger = logger
    }

    static func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    func snapshot(_ e: PoolEntry) -> PoolSnapshot? {
        guard let model = e.model else { return nil }
        let status: PoolFreshness = e.status == .ok ? .ok : .stale
        return PoolSnapshot(model: model, status: status, slot: e.lastSlot, updatedAtMs: Int64((e.lastUpdate ?? 0) * 1000), name: e.config.name)
    }

    func time() -> ScanTime {
        ScanTime(unixMs: Self.nowMs(), slot: store.highestSlot)
    }

    /// Evaluates changes until cancelled or, in a `ServiceGroup`, until its graceful shutdown.
    public func run() async throws {
        try await GracefulExit.service("arbitrage") { try await self.evaluateChanges() }
    }

    func evaluateChanges() async throws {
        let (id, changes) = store.changes()
        defer { store.stopChanges(id) }
        let ticker = Task {
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(1))
                self.fullScanIfDue()
            }
        }
        defer { ticker.cancel() }
        for await change in changes {
            if Task.isCancelled { break }
            guard let entry = store.entry(change.pool), let snap = snapshot(entry) else { continue }
            let found: [Opportunity] = lock.withLock {
                engine.upsert(snap)
                let found = engine.changed(change.pool, at: time())
                standing.removeAll { $0.route.contains { $0.pool == change.pool } }
                standing += found
                standing.sort { $0.profitLamports > $1.profitLamports }
                return found
            }
            publish(found)
            // Let the API's handlers (same cooperative threads) in between evaluations.
            await Task.yield()
        }
    }

    public func fullScanIfDue() {
        // While a change is being evaluated, skip this tick rather than park a cooperative thread on
        // the lock: with both threads of a 2-core machine busy or parked, the API stopped answering
        // (found by the soak with 200 cloned pools). The scan is "if due": the next tick runs it.
        guard lock.try() else { return }
        let found: [Opportunity]? = {
            defer { lock.unlock() }
            let t = time()
            guard engine.fullScanDue(at: t) else { return nil }
            for e in store.entries() { if let s = snapshot(e) { engine.upsert(s) } }
            standing = engine.scanAll(at: t)
            let stats = (byHops: engine.cycleCountsByHops, truncated: engine.cyclesTruncated)
            cycleStats = stats
            if stats.truncated && !warnedTruncation {
                warnedTruncation = true
                logger.warning(
                    "arbitrage: more than \(engine.config.maxCycles) mint cycles up to \(engine.config.maxHops) hops; the longest are not searched")
            }
            return standing
        }()
        if let found { publish(found) }
    }

    func publish(_ all: [Opportunity]) {
        let found = all.filter(minimumROI.admits)
        guard !found.isEmpty else { return }
        let subs = lock.withLock { Array(listeners.values) }
        for o in found { for s in subs { s.yield(o) } }
    }

    public func currentOpportunities() -> [Opportunity] { lock.withLock { standing }.filter(minimumROI.admits) }

    public func routerStatus() -> RouterStatus? {
        let stats = lock.withLock { cycleStats }
        return RouterStatus(
            mode: router.mode, modeApplied: false, minROIPercent: router.minROIPercent, maxHops: engine.config.maxHops,
            cyclesByHops: stats?.byHops, cyclesTruncated: stats?.truncated ?? false)
    }

    /// The original `/scan-arbitrage`: two-pool round trips, both pools' mid prices in pool A's order,
    /// `estimated_profit_pct` net of real fees and transaction cost. With a threshold: price gaps of at
    /// least that many percent (the original's meaning); without: net ROI of at least `min_roi_percent`.
    public func scanLegacy(thresholdPct: Double?) -> [PairGap] {
        let now = Self.nowMs()
        let candidates = lock.withLock { standing }.filter { thresholdPct != nil || minimumROI.admits($0) }
        return candidates.compactMap { o -> PairGap? in
            guard let gap = o.pairGap(nowMs: now) else { return nil }
            if let thresholdPct, gap.priceDiffPercent.doubleValue < thresholdPct { return nil }
            return gap
        }
    }

    public func opportunityUpdates() -> AsyncStream<Opportunity> {
        let id = UUID()
        let (stream, c) = AsyncStream<Opportunity>.makeStream(bufferingPolicy: .bufferingNewest(256))
        c.onTermination = { [weak self] _ in _ = self?.lock.withLock { self?.listeners.removeValue(forKey: id) } }
        lock.withLock { listeners[id] = c }
        return stream
    }
}
