import App
import Cache
import Dex
import Foundation
import HummingbirdWSClient
import Logging
import Server
import Simulator
import SolanaCore

/// `stream_fanout`: what one pool change costs with 1 and with 64 `/v1/stream` subscribers. The
/// API runs as the application builds it; real WebSocket clients (in this process) read every
/// message; swaps re-price pools in the store. The row is the process CPU time (server and
/// clients) per delivered change per client count, and the note gives the wall time until the
/// last client had the last update. Rendering happens once per change (`StreamFanout`), so 64
/// clients should cost well under 64× one.
///
/// ```swift
/// let rows = try await StreamFanoutBench.run(clientCounts: [1, 64], swaps: 300)
/// ```
public enum StreamFanoutBench {
    public static func run(clientCounts: [Int] = [1, 64], swaps: Int) async throws -> [BenchResult] {
        var rows: [BenchResult] = []
        for n in clientCounts { rows.append(try await runOne(clients: n, swaps: swaps)) }
        return rows
    }

    /// Messages each client received, behind one lock.
    // @unchecked Sendable: `lock` guards counts.
    final class Counts: @unchecked Sendable {
        private let lock = NSLock()
        private var counts: [Int]
        init(_ n: Int) { counts = Array(repeating: 0, count: n) }
        func add(_ i: Int) { lock.withLock { counts[i] += 1 } }
        var minimum: Int { lock.withLock { counts.min() ?? 0 } }
    }

    static func cpuSeconds() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
    }

    static func runOne(clients n: Int, swaps: Int) async throws -> BenchResult {
        let (store, cluster) = try APIBench.filledStore(pools: 16)
        var quiet = Logger(label: "bench-stream")
        quiet.logLevel = .critical
        var api = APIServer.Settings(host: "127.0.0.1", port: 0)
        api.maxStreamClients = max(api.maxStreamClients, n)
        api.maxConnections = max(api.maxConnections, n * 2)
        let (application, task, port) = try await APIBench.startAPI(store: store, api: api, opportunities: nil, logger: quiet)
        defer { task.cancel() }

        let counts = Counts(n)
        let hellos = Counts(n)
        let clients = (0..<n).map { i in
            Task {
                try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/v1/stream", logger: quiet) { inbound, _, _ in
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        guard case .text(let t) = message else { continue }
                        if t.hasPrefix(#"{"type":"hello""#) { hellos.add(i) } else if t.hasPrefix(#"{"type":"pool_update""#) { counts.add(i) }
                    }
                }
            }
        }
        defer { clients.forEach { $0.cancel() } }
        let connectBy = Date().addingTimeInterval(30)
        while hellos.minimum < 1 && Date() < connectBy { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(100))  // the fanout subscribed once the first client did

        let (sub, events) = cluster.subscribe()
        defer { cluster.unsubscribe(sub) }
        var it = events.makeAsyncIterator()
        let pools = cluster.poolAddresses
        var published = 0
        let cpu0 = cpuSeconds()
        let t0 = Date()
        for i in 0..<swaps {
            let pool = pools[i % pools.count]
            guard let model = cluster.model(pool) else { continue }
            let reserve = (try? model.price(context: QuoteContext(now: cluster.now)).reserveA) ?? 0
            guard (try? cluster.swap(pool: pool, inputMint: model.mintA, amountIn: max(1_000, (reserve ?? 0) / 100_000))) != nil,
                let event = await it.next()
            else { continue }
            let now = Date().timeIntervalSince1970
            // Each pool the store re-prices is one change every client must receive.
            for a in event.changed { published += store.apply(a, receivedAt: now).changedPools.count }
        }
        let deadline = Date().addingTimeInterval(60)
        while counts.minimum < published && Date() < deadline { try await Task.sleep(for: .milliseconds(2)) }
        let wall = Date().timeIntervalSince(t0)
        let cpu = cpuSeconds() - cpu0
        let delivered = published
        await application.triggerGracefulShutdown()
        try await task.value
        let perChange = delivered == 0 ? 0 : cpu / Double(delivered) * 1e6
        var note =
            "\(n) client(s), \(delivered) pool updates each; CPU (server + in-process clients) per update; wall \(String(format: "%.0f", wall * 1000)) ms"
        if counts.minimum < delivered { note += "; LOST \(delivered - counts.minimum) at the slowest client" }
        return BenchResult(
            name: "stream_fanout", pools: store.poolCount, unit: "µs", p50: perChange, p99: perChange, mean: perChange, samples: delivered, note: note
        )
    }
}
