import App
import Cache
import Dex
import Foundation
import GracefulStop
import Hummingbird
import Logging
import Server
import Simulator
import SolanaCore

/// API latency and throughput: the real Hummingbird `APIServer` in-process on 127.0.0.1 (port 0)
/// over a store holding N cloned pools, driven by `HTTPLoader` over loopback keep-alive connections.
/// Latency rows (`api_prices`, `api_quote`, `api_scan_arbitrage`, µs) come from one client (the
/// service time a caller sees); `…_throughput` rows (requests/s) from `concurrency` clients at once.
///
/// ```swift
/// let rows = try await APIBench.run(poolCounts: [16, 1_000], settings: .quick, opportunities: { store in nil })
/// ```
public enum APIBench {
    public struct Settings: Sendable {
        public var latencySeconds: Double
        public var latencyMaxRequests: Int
        public var loadSeconds: Double
        public var concurrency: Int
        public static let quick = Settings(latencySeconds: 1, latencyMaxRequests: 2_000, loadSeconds: 1.5, concurrency: 16)
        public static let full = Settings(latencySeconds: 3, latencyMaxRequests: 20_000, loadSeconds: 5, concurrency: 16)
        public static let tiny = Settings(latencySeconds: 0.1, latencyMaxRequests: 20, loadSeconds: 0.1, concurrency: 2)
    }

    /// `opportunities` builds what `/scan-arbitrage` reads (the CLI passes its arbitrage service,
    /// which lives above this target) once the store is filled.
    public static func run(
        poolCounts: [Int], settings: Settings,
        opportunities: @escaping @Sendable (PoolStore) -> (any OpportunityProvider)?
    ) async throws -> [BenchResult] {
        var out: [BenchResult] = [try await floor(settings: settings)]
        for n in poolCounts { out += try await runOne(pools: n, settings: settings, opportunities: opportunities) }
        return out
    }

    /// The same run's floor for any API row: a bare Hummingbird application (no middleware, no
    /// connection guards, a constant 2-byte body) timed by the same loader. What the API rows add
    /// above it is ours; the floor itself is the framework and the machine (thread wake-ups).
    static func floor(settings: Settings) async throws -> BenchResult {
        let router = Router()
        router.get("/floor") { _, _ in "ok" }
        var quiet = Logger(label: "bench-floor")
        quiet.logLevel = .error
        let ports = ReadyPorts()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { ports.set($0.localAddress?.port ?? 0, 0) }, logger: quiet)
        let task = Task { do { try await GracefulStop.run([app], logger: quiet) } catch { ports.fail(error); throw error } }
        defer { task.cancel() }
        let (port, _) = try await ports.wait(timeout: 30)
        let s = settings
        let single = try await Task.detached {
            try HTTPLoader.run(
                port: port, request: HTTPLoader.get("/floor"), concurrency: 1, seconds: s.latencySeconds, maxRequests: s.latencyMaxRequests)
        }.value
        return Measure.summarize(
            name: "api_floor", unit: "µs", values: single.latenciesMicros,
            note: "bare Hummingbird route, 1 client, keep-alive, response \(single.bodyBytes) bytes")
    }

    /// A store holding every account of `n` cloned pools, as ingestion would leave it.
    /// A store holding `n` pools as a market has them: clones of the bundled pools that have traded
    /// apart for 200 slots (30 swaps each), so the same pair sits at many prices, not one.
    public static func filledStore(pools n: Int) throws -> (PoolStore, Cluster) {
        let cluster = try Cluster.bundled(seed: 3, pools: n, swapsPerSlot: 30)
        for _ in 0..<200 { cluster.advance(force: true) }
        let accounts = Dictionary(cluster.allAccounts().map { ($0.address, $0) }, uniquingKeysWith: { a, _ in a })
        let store = PoolStore(context: { QuoteContext(now: cluster.now, slot: cluster.slot) })
        for p in cluster.poolAddresses { store.addPool(PoolConfig(address: p)) }
        var offered = Set<Pubkey>()
        for _ in 0..<6 {
            let wanted = store.watchedAccounts().subtracting(offered)
            if wanted.isEmpty { break }
            let now = Date().timeIntervalSince1970
            for k in wanted { offered.insert(k); if let a = accounts[k] { store.apply(a, receivedAt: now) } }
        }
        return (store, cluster)
    }

    /// The API as the application builds it, with only that part, on a kernel-chosen port.
    static func startAPI(
        store: PoolStore, api: APIServer.Settings, opportunities: (any OpportunityProvider)?, logger: Logger
    ) async throws -> (CacheApplication, Task<Void, Error>, Int) {
        var app = ApplicationSettings(store: store, api: api, logger: logger)
        app.opportunities = opportunities
        app.signals = []
        app.heapTrim = false
        app.startupReport = false
        let ports = ReadyPorts()
        app.onListening = { port in ports.set(port, port) }
        let application = CacheApplication(app)
        let task = Task { do { try await application.run() } catch { ports.fail(error); throw error } }
        let (port, _) = try await ports.wait(timeout: 30)
        return (application, task, port)
    }

    static func runOne(
        pools n: Int, settings: Settings,
        opportunities: @escaping @Sendable (PoolStore) -> (any OpportunityProvider)?
    ) async throws -> [BenchResult] {
        let (store, _) = try filledStore(pools: n)
        let provider = opportunities(store)
        var quiet = Logger(label: "bench-api")
        quiet.logLevel = .error
        var api = APIServer.Settings(host: "127.0.0.1", port: 0)
        api.maxConnections = max(api.maxConnections, settings.concurrency * 2)
        let (application, task, port) = try await startAPI(store: store, api: api, opportunities: provider, logger: quiet)
        defer { task.cancel() }

        let quotePath = "/v1/quote?inputMint=\(KnownMints.wsol.base58)&outputMint=\(KnownMints.usdc.base58)&amount=1000000000"
        let cases: [(String, [UInt8])] = [
            ("api_prices", HTTPLoader.get("/prices")),
            ("api_quote", HTTPLoader.get(quotePath)),
            ("api_scan_arbitrage", HTTPLoader.post("/scan-arbitrage", json: #"{"threshold_pct":0.1}"#)),
        ]
        let s = settings
        var rows: [BenchResult] = []
        for (name, request) in cases {
            // Blocking socket threads: keep them off the cooperative pool the server runs on.
            let single = try await Task.detached {
                try HTTPLoader.run(port: port, request: request, concurrency: 1, seconds: s.latencySeconds, maxRequests: s.latencyMaxRequests)
            }.value
            var note = "1 client, keep-alive, response \(single.bodyBytes) bytes"
            if single.errors > 0 { note += ", \(single.errors) errors (\(single.firstError ?? "?"))" }
            rows.append(Measure.summarize(name: name, pools: n, unit: "µs", values: single.latenciesMicros, note: note))
            let load = try await Task.detached {
                try HTTPLoader.run(port: port, request: request, concurrency: s.concurrency, seconds: s.loadSeconds, maxRequests: Int.max / 2)
            }.value
            let sorted = Measure.summarize(name: "", unit: "", values: load.latenciesMicros)
            var loadNote = String(format: "%d clients, keep-alive: latency p50 %.0f µs, p99 %.0f µs", s.concurrency, sorted.p50, sorted.p99)
            if load.errors > 0 { loadNote += ", \(load.errors) errors (\(load.firstError ?? "?"))" }
            rows.append(
                BenchResult(
                    name: name + "_throughput", pools: n, unit: "req/s", p50: load.requestsPerSecond, p99: load.requestsPerSecond,
                    mean: load.requestsPerSecond, samples: load.latenciesMicros.count, note: loadNote))
        }
        await application.triggerGracefulShutdown()
        try await task.value
        return rows
    }
}
