import App
import Arbitrage
import Cache
import Config
import Dex
import Foundation
import Ingest
import Logging
import Persistence
import RPC
import Server
import Simulator
import SolanaCore
import XCTest

/// `[discovery]` through the whole application: no `[[pools]]`, the pools of two mints are found,
/// followed, and shown on `GET /v1/discovery` (and `{"enabled": false}` without the table).
final class DiscoveryApplicationTests: XCTestCase {
    func testDiscoveredPoolsAreFollowedAndReported() async throws {
        let cluster = try Cluster.bundled(seed: 3, swapsPerSlot: 2)
        let simulator = SimulatorServer(cluster: cluster, options: .init(port: 0, slotMillis: 50))
        let ports = ReadyPorts()
        let simTask = Task { do { try await simulator.run { r, p in ports.set(r, p) } } catch { ports.fail(error); throw error } }
        defer { simTask.cancel() }
        let (rpc, pubsub) = try await ports.wait(timeout: 30)

        let mints = [KnownMints.wsol, KnownMints.usdc]
        let expected = Set(
            cluster.poolAddresses.filter { key in cluster.model(key).map { Set([$0.mintA, $0.mintB]) == Set(mints) } ?? false }.map(\.base58))
        XCTAssertGreaterThan(expected.count, 2)
        let store = PoolStore(context: { QuoteContext(now: cluster.now, slot: cluster.slot) })
        let lines = SecretRedactionTests.Lines()
        let listening = ReadyPorts()
        var settings = ApplicationSettings(
            store: store, ingest: IngestConfig(endpoints: [.init(websocketURL: "ws://127.0.0.1:\(pubsub)", httpURL: "http://127.0.0.1:\(rpc)")]),
            api: APISettings(host: "127.0.0.1", port: 0),
            logger: Logger(label: "discovery-app-test", factory: { _ in SecretRedactionTests.Capture(lines: lines) }))
        settings.discovery = DiscoverySettings(mints: mints)
        settings.signals = []
        settings.onListening = { port in listening.set(port, 0) }
        let app = CacheApplication(settings)
        let running = Task { try await app.run() }
        let (apiPort, _) = try await listening.wait(timeout: 30)

        var body: [String: Any] = [:]
        let deadline = Date().addingTimeInterval(30)
        repeat {
            body = try await HTTP.get("http://127.0.0.1:\(apiPort)/v1/discovery").object()
            if (body["pools_by_state"] as? [String: Int])?["followed"] == expected.count { break }
            try await Task.sleep(for: .milliseconds(100))
        } while Date() < deadline
        XCTAssertEqual(body["enabled"] as? Bool, true)
        XCTAssertEqual(body["mints"] as? [String], mints.map(\.base58))
        XCTAssertEqual(body["runs"] as? Int, 1)
        let pools = try XCTUnwrap(body["pools"] as? [[String: Any]])
        XCTAssertEqual(Set(pools.compactMap { $0["address"] as? String }), expected)
        XCTAssertTrue(pools.allSatisfy { $0["state"] as? String == "followed" && $0["reserve_usd"] is Double }, "\(pools)")
        let metrics = try await HTTP.get("http://127.0.0.1:\(apiPort)/metrics").text
        XCTAssertTrue(metrics.contains(#"spc_discovery_pools{state="followed"} \#(expected.count)"#), metrics)
        XCTAssertTrue(metrics.contains("spc_discovery_last_run_failed 0"), metrics)
        let listed = try await HTTP.get("http://127.0.0.1:\(apiPort)/v1/pools").object()
        XCTAssertEqual(listed["count"] as? Int, expected.count, "the cache holds the discovered pools")
        // The first run says how far it is: one line per getProgramAccounts query, N of M with rate and ETA.
        let queries = try XCTUnwrap(body["queries_per_run"] as? Int)
        XCTAssertGreaterThan(queries, 1)
        let progress = lines.all.filter { $0.contains("discovery: query ") }
        XCTAssertEqual(progress.count, queries, "\(lines.all)")
        XCTAssertTrue(progress.first?.contains("query 1 of \(queries) (") == true, "\(progress)")
        XCTAssertTrue(
            progress.last?.contains("query \(queries) of \(queries) (") == true && progress.last?.contains("ETA 0 s), ") == true, "\(progress)")
        await app.triggerGracefulShutdown()
        try await running.value
    }

    func testWithoutTheTableDiscoveryIsOff() async throws {
        let listening = ReadyPorts()
        var settings = ApplicationSettings(store: PoolStore(), api: APISettings(host: "127.0.0.1", port: 0), logger: Logger(label: "t"))
        settings.signals = []
        settings.onListening = { port in listening.set(port, 0) }
        let app = CacheApplication(settings)
        let running = Task { try await app.run() }
        let (apiPort, _) = try await listening.wait(timeout: 30)
        let body = try await HTTP.get("http://127.0.0.1:\(apiPort)/v1/discovery").object()
        XCTAssertEqual(body["enabled"] as? Bool, false)
        await app.triggerGracefulShutdown()
        try await running.value
    }
}
