import App
import Cache
import Dex
import Foundation
import Ingest
import Logging
import Simulator
import SolanaCore

/// End to end: a swap written in the in-process simulator → accountNotification over a loopback
/// WebSocket → the real `IngestEngine` → `PoolStore` change stream. Reports the latency from the
/// swap being written to the last of its accounts being visible in the store (`end_to_end`, µs)
/// and the highest swap rate the pipeline sustains without falling behind (`end_to_end_throughput`).
///
/// ```swift
/// let rows = try await EndToEndBench.run(poolCounts: [16, 1_000], settings: .quick)
/// ```
public enum EndToEndBench {
    /// Sample counts and rates; `tiny` is for the unit test that checks the row names.
    public struct Settings: Sendable {
        public var latencySwaps: Int
        /// Swaps per second while latency is sampled (low enough to not queue).
        public var latencyRate: Double
        /// Offered swap rates tried in turn for throughput; stops at the first one not sustained.
        public var throughputRates: [Double]
        public var throughputSeconds: Double
        public var readyTimeoutSeconds: Double

        public static let quick = Settings(
            latencySwaps: 400, latencyRate: 400, throughputRates: [1_000, 2_000, 4_000, 8_000],
            throughputSeconds: 1, readyTimeoutSeconds: 90)
        public static let full = Settings(
            latencySwaps: 2_000, latencyRate: 500, throughputRates: [1_000, 2_000, 4_000, 8_000, 16_000],
            throughputSeconds: 2, readyTimeoutSeconds: 600)
        public static let tiny = Settings(
            latencySwaps: 20, latencyRate: 200, throughputRates: [200], throughputSeconds: 0.2,
            readyTimeoutSeconds: 60)
    }

    public static func run(poolCounts: [Int], settings: Settings) async throws -> [BenchResult] {
        var out: [BenchResult] = []
        for n in poolCounts { out += try await runOne(pools: n, settings: settings) }
        return out
    }

    /// One swap the harness wrote: which pool, at which slot, when (uptime ns).
    struct Written { let pool: Pubkey; let slot: UInt64; let at: UInt64 }

    /// Collects, per (pool, slot), the time of the last change the store announced.
    // @unchecked Sendable: `lock` guards last.
    final class Visibility: @unchecked Sendable {
        private let lock = NSLock()
        private var last: [Key: UInt64] = [:]
        struct Key: Hashable { let pool: Pubkey; let slot: UInt64 }
        func record(_ c: PoolChange) {
            let now = DispatchTime.now().uptimeNanoseconds
            lock.withLock { last[Key(pool: c.pool, slot: c.slot)] = now }
        }
        func visibleAt(_ w: Written) -> UInt64? { lock.withLock { last[Key(pool: w.pool, slot: w.slot)] } }
        func reset() { lock.withLock { last.removeAll(keepingCapacity: true) } }
    }

    /// A tradeable pool and swap sizes small enough to leave its price where it was.
    struct Lane { let pool: Pubkey; let mintA: Pubkey; let mintB: Pubkey; let amountA: UInt64; let amountB: UInt64 }

    static func lanes(_ cluster: Cluster) -> [Lane] {
        let ctx = QuoteContext(now: cluster.now, slot: cluster.slot)
        return cluster.poolAddresses.compactMap { p in
            guard let m = cluster.model(p), let price = try? m.price(context: ctx),
                let ra = price.reserveA, let rb = price.reserveB, ra > 1_000_000, rb > 1_000_000
            else { return nil }
            let a = ra / 200_000, b = rb / 200_000
            guard (try? m.quote(amountIn: a, inputMint: m.mintA, context: ctx)) != nil,
                (try? m.quote(amountIn: b, inputMint: m.mintB, context: ctx)) != nil
            else { return nil }
            return Lane(pool: p, mintA: m.mintA, mintB: m.mintB, amountA: a, amountB: b)
        }
    }

    static func runOne(pools n: Int, settings: Settings) async throws -> [BenchResult] {
        let cluster = try Cluster.bundled(seed: 5, pools: n, swapsPerSlot: 0)
        var simOptions = SimulatorServer.Options(port: 0, slotMillis: 400)
        simOptions.maxSubscriptionsPerConnection = 100
        var quiet = Logger(label: "bench")
        quiet.logLevel = .error
        let simulator = SimulatorServer(cluster: cluster, options: simOptions, logger: quiet)
        let ports = ReadyPorts()
        let simTask = Task { do { try await simulator.run { r, p in ports.set(r, p) } } catch { ports.fail(error); throw error } }
        defer { simTask.cancel() }
        let (rpc, pubsub) = try await ports.wait(timeout: 30)

        let store = PoolStore(context: { QuoteContext(now: cluster.now, slot: cluster.slot) })
        let poolKeys = cluster.poolAddresses
        for p in poolKeys { store.addPool(PoolConfig(address: p)) }
        // The application as `run` builds it, ingest only (no API or arbitrage competing for the cores);
        // the loopback endpoint may be read quickly at startup.
        let endpoint = IngestConfig.Endpoint(websocketURL: "ws://127.0.0.1:\(pubsub)", httpURL: "http://127.0.0.1:\(rpc)", requestsPerSecond: 2_000)
        var app = ApplicationSettings(store: store, ingest: IngestConfig(endpoints: [endpoint]), logger: quiet)
        (app.heapTrim, app.startupReport, app.signals) = (false, false, [])
        let application = CacheApplication(app)
        guard let engine = application.ingest else { throw BenchError.setup("ingestion did not start") }
        let appTask = Task { try await application.run() }
        defer { appTask.cancel() }

        // Ready: every pool priced and every connection live with its subscriptions.
        let readyStart = Date()
        var ready = false
        while Date().timeIntervalSince(readyStart) < settings.readyTimeoutSeconds {
            let priced = store.entries().filter { $0.status == .ok }.count
            let conns = engine.connections()
            let subs = conns.reduce(0) { $0 + $1.subscriptions }
            if priced == poolKeys.count, !conns.isEmpty, conns.allSatisfy({ $0.state == .live }),
                subs >= store.watchedAccounts().count
            {
                ready = true
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        // Settle: each new connection re-snapshots its accounts over JSON-RPC after subscribing; wait
        // until that traffic stops so the samples measure the stream, not the start-up backlog.
        var requests = engine.counters().httpRequests, quietSince = Date()
        while Date().timeIntervalSince(quietSince) < 1, Date().timeIntervalSince(readyStart) < settings.readyTimeoutSeconds {
            try await Task.sleep(for: .milliseconds(100))
            let now = engine.counters().httpRequests
            if now != requests { requests = now; quietSince = Date() }
        }
        let readySeconds = Date().timeIntervalSince(readyStart)
        let priced = store.entries().filter { $0.status == .ok }.count

        let visibility = Visibility()
        let (listenerId, changes) = store.changes()
        let listener = Task { for await c in changes { visibility.record(c) } }
        defer { store.stopChanges(listenerId); listener.cancel() }

        let lanes = lanes(cluster).filter { store.entry($0.pool)?.status == .ok }
        guard !lanes.isEmpty else {
            return [
                BenchResult(
                    name: "end_to_end", pools: n, unit: "µs", p50: .nan, p99: .nan, mean: .nan, samples: 0, note: "no tradeable pool became ready")
            ]
        }
        var laneIndex = 0, direction = false
        /// Writes one swap now (alternating direction keeps prices in place), with its timestamp.
        func swapOnce() -> Written? {
            let lane = lanes[laneIndex % lanes.count]
            laneIndex += 1
            if laneIndex % lanes.count == 0 { direction.toggle() }
            let aToB = direction == (laneIndex & 1 == 0)
            guard let s = try? cluster.swap(pool: lane.pool, inputMint: aToB ? lane.mintA : lane.mintB, amountIn: aToB ? lane.amountA : lane.amountB)
            else { return nil }
            return Written(pool: s.pool, slot: s.slot, at: DispatchTime.now().uptimeNanoseconds)
        }
        /// Offers swaps at `rate`/s for `seconds` (paced in 1 ms steps), then waits for them to drain.
        func drive(rate: Double, count: Int) async throws -> [Written] {
            var written: [Written] = []
            written.reserveCapacity(count)
            var refused = 0
            let start = DispatchTime.now().uptimeNanoseconds
            while written.count < count {
                let due = min(count, Int(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 * rate) + 1)
                while written.count < due {
                    if let w = swapOnce() { written.append(w) } else { refused += 1; break }
                }
                if refused > count + 100 { break }  // every lane refuses: report what was written
                try await Task.sleep(for: .microseconds(500))
            }
            // Drain: wait until all are visible or 2 s pass with nothing new.
            var lastSeen = -1, idleSince = Date()
            while Date().timeIntervalSince(idleSince) < 2 {
                let seen = written.filter { visibility.visibleAt($0) != nil }.count
                if seen == written.count { break }
                if seen != lastSeen { lastSeen = seen; idleSince = Date() }
                try await Task.sleep(for: .milliseconds(20))
            }
            try await Task.sleep(for: .milliseconds(20))  // the last account of each swap lands just after the first
            return written
        }
        func latencies(_ written: [Written]) -> [Double] {
            written.compactMap { w in visibility.visibleAt(w).map { $0 >= w.at ? Double($0 - w.at) / 1_000 : 0 } }
        }

        // Warm-up (first frames on each connection, caches), then the latency run at a low rate.
        _ = try await drive(rate: settings.latencyRate, count: min(50, settings.latencySwaps))
        visibility.reset()
        let written = try await drive(rate: settings.latencyRate, count: settings.latencySwaps)
        let lat = latencies(written)
        let lost = written.count - lat.count
        var rows = [
            Measure.summarize(
                name: "end_to_end", pools: n, unit: "µs", values: lat,
                note: "swap written in simulator → last account visible in store, \(Int(settings.latencyRate)) swaps/s"
                    + (lost > 0 ? ", \(lost) not seen" : "") + (ready ? "" : ", not all pools ready (\(priced)/\(poolKeys.count))")
                    + String(format: ", ready in %.1f s", readySeconds))
        ]

        // Throughput: the highest offered rate where every swap became visible and p99 stayed under 50 ms.
        var best: (rate: Double, updates: Double, p50: Double, p99: Double, samples: Int)?
        var lastTried = ""
        for rate in settings.throughputRates {
            visibility.reset()
            let before = engine.counters().appliedUpdates
            let t0 = DispatchTime.now().uptimeNanoseconds
            let w = try await drive(rate: rate, count: max(1, Int(rate * settings.throughputSeconds)))
            let offeredSeconds = Double((w.last?.at ?? t0) - t0) / 1e9
            let l = latencies(w)
            let applied = Double(engine.counters().appliedUpdates - before)
            let s = Measure.summarize(name: "", unit: "", values: l)
            let achieved = offeredSeconds > 0 ? Double(w.count) / offeredSeconds : 0
            lastTried = String(format: "%.0f swaps/s offered: %.0f achieved, %d/%d seen, p99 %.0f µs", rate, achieved, l.count, w.count, s.p99)
            guard l.count == w.count, s.p99 < 50_000, achieved >= rate * 0.9 else { break }
            best = (achieved, applied / max(offeredSeconds, 1e-9), s.p50, s.p99, w.count)
        }
        if let best {
            rows.append(
                BenchResult(
                    name: "end_to_end_throughput", pools: n, unit: "updates/s", p50: best.updates, p99: best.updates, mean: best.updates,
                    samples: best.samples,
                    note: String(
                        format: "account updates/s at %.0f swaps/s sustained (latency p50 %.0f µs, p99 %.0f µs); last tried: ", best.rate, best.p50,
                        best.p99) + lastTried))
        } else {
            rows.append(
                BenchResult(
                    name: "end_to_end_throughput", pools: n, unit: "updates/s", p50: .nan, p99: .nan, mean: .nan, samples: 0,
                    note: "no offered rate sustained; " + lastTried))
        }
        return rows
    }
}

public enum BenchError: Error, CustomStringConvertible {
    case http(String)
    case setup(String)
    public var description: String {
        switch self {
        case .http(let s): return "http: \(s)"
        case .setup(let s): return "setup: \(s)"
        }
    }
}
