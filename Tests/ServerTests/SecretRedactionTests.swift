import App
import Cache
import Dex
import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Ingest
import Logging
import Server
import Simulator
import SolanaCore
import XCTest

/// An RPC key in the endpoint URLs (`?api-key=…`, as providers issue them) never reaches a log
/// line, `/v1/health` or `/metrics`, through connects, a dead endpoint's failures and 429s.
final class SecretRedactionTests: XCTestCase {
    /// Every log line the application writes, with its metadata.
    // @unchecked Sendable: `lock` guards lines.
    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func add(_ s: String) { lock.withLock { lines.append(s) } }
        var all: [String] { lock.withLock { lines } }
    }

    struct Capture: LogHandler {
        let lines: Lines
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            lines.add("\(event.level) \(event.message) \(metadata.merging(event.metadata ?? [:]) { $1 }) \(event.source)")
        }
    }

    func testAnAPIKeyInTheEndpointURLNeverLeaks() async throws {
        let secret = "t0p-s3cret-KEY-\(UUID().uuidString.prefix(8))"
        let cluster = try Cluster.bundled(seed: 5, swapsPerSlot: 2)
        let simulator = SimulatorServer(cluster: cluster, options: .init(port: 0, slotMillis: 50))
        let ports = ReadyPorts()
        let simTask = Task { do { try await simulator.run { r, p in ports.set(r, p) } } catch { ports.fail(error); throw error } }
        defer { simTask.cancel() }
        let (rpc, pubsub) = try await ports.wait(timeout: 30)

        let lines = Lines()
        let logger = Logger(label: "redaction-test", factory: { _ in Capture(lines: lines) })
        let store = PoolStore(context: { QuoteContext(now: cluster.now, slot: cluster.slot) })
        for p in cluster.poolAddresses { store.addPool(PoolConfig(address: p)) }
        // A dead endpoint first (its failures are logged with its URL), then the live one.
        var ingest = IngestConfig(endpoints: [
            .init(websocketURL: "ws://127.0.0.1:1/?api-key=\(secret)", httpURL: "http://127.0.0.1:1/?api-key=\(secret)"),
            .init(websocketURL: "ws://127.0.0.1:\(pubsub)/?api-key=\(secret)", httpURL: "http://127.0.0.1:\(rpc)/?api-key=\(secret)"),
        ])
        ingest.failoverAfterFailures = 1
        ingest.backoffInitialSeconds = 0.05
        ingest.backoffMaxSeconds = 0.2
        let listening = ReadyPorts()
        var settings = ApplicationSettings(store: store, ingest: ingest, api: APISettings(host: "127.0.0.1", port: 0), logger: logger)
        settings.signals = []
        settings.heapTrim = false
        settings.onListening = { port in listening.set(port, 0) }
        let app = CacheApplication(settings)
        let running = Task { try await app.run() }
        let (apiPort, _) = try await listening.wait(timeout: 30)

        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline && store.entries().contains(where: { $0.status != .ok }) { try await Task.sleep(for: .milliseconds(100)) }
        XCTAssertTrue(store.entries().allSatisfy { $0.status == .ok }, "pools ok through the failover")
        // 429s are logged with the endpoint too.
        _ = try await JSONRPCProbe.fault(rpcPort: rpc, kind: "http429", count: 2)
        try await Task.sleep(for: .seconds(2))
        let health = try await HTTP.get("http://127.0.0.1:\(apiPort)/v1/health").text
        let metrics = try await HTTP.get("http://127.0.0.1:\(apiPort)/metrics").text
        await app.triggerGracefulShutdown()
        try await running.value

        let logged = lines.all
        XCTAssertGreaterThan(logged.count, 10, "the application logged")
        XCTAssertTrue(logged.contains { $0.contains("127.0.0.1:1") }, "the dead endpoint's failures are logged (by host and port)")
        for line in logged { XCTAssertFalse(line.contains(secret), "secret in a log line: \(line)") }
        XCTAssertTrue(health.contains("127.0.0.1:\(pubsub)"), "health names the endpoints: \(health.prefix(400))")
        XCTAssertFalse(health.contains(secret), "secret in /v1/health")
        XCTAssertFalse(metrics.contains(secret), "secret in /metrics")
    }
}

/// A direct control call to the simulator (no cache code in between).
enum JSONRPCProbe {
    static func fault(rpcPort: Int, kind: String, count: Int) async throws -> Int {
        let body = #"{"jsonrpc":"2.0","id":1,"method":"simulatorFault","params":[{"kind":"\#(kind)","count":\#(count)}]}"#
        var r = URLRequest(url: URL(string: "http://127.0.0.1:\(rpcPort)")!)
        r.httpMethod = "POST"
        r.httpBody = Data(body.utf8)
        r.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let (_, response) = try await HTTP.session.data(for: r)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }
}
