import App
import Arbitrage
import Cache
import Foundation
import Ingest
import IngestTestSupport
import Logging
import NATS
import NATSSync
import Server
import SolanaCore
import XCTest

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The roles wired in `CacheApplication` (what `run` starts from `[nats]`): a shard with the API
/// and arbitrage publishing pools and opportunities, a follower with no RPC serving the same
/// `/v1/pools/:id`, and both showing the link in `/v1/health` and `/metrics`.
final class NATSApplicationTests: XCTestCase {
    final class Port: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Int?
        func set(_ p: Int) { lock.withLock { value = p } }
        var port: Int? { lock.withLock { value } }
    }

    func app(_ settings: NATSSettings, ingest: IngestConfig, pools: [Pubkey]) -> (CacheApplication, Port, Task<Void, Error>) {
        let store = PoolStore()
        for p in pools { store.addPool(PoolConfig(address: p)) }
        var s = ApplicationSettings(
            store: store, ingest: ingest, api: APISettings(host: "127.0.0.1", port: 0), router: RouterSettings(minROIPercent: 0),
            logger: BusNode.logger)
        s.nats = settings
        s.signals = []
        s.heapTrim = false
        s.startupReport = false
        s.output = { _ in }
        let port = Port()
        s.onListening = { port.set($0) }
        let app = CacheApplication(s)
        return (app, port, Task { try await app.run() })
    }

    func get(_ url: String) async throws -> (Int, String) {
        let (data, response) = try await URLSession.shared.data(from: try XCTUnwrap(URL(string: url)))
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    func testShardAndFollowerApplicationsOverNATS() async throws {
        let server = try NATSServerProcess(name: "app")
        defer { XCTAssertNoThrow(try server.cleanUp()) }
        let sim = try await SimulatorHarness.start(pools: 30, slotMillis: 40, swapsPerSlot: 6)
        defer { sim.stop() }
        let pools = sim.cluster.poolAddresses
        // An independent subscriber of the pool and opportunity subjects.
        let watcher = try NATSClient(options: NATSClientOptions(urls: [server.url]), logger: BusNode.logger)
        let watching = Task { try await watcher.run() }
        defer { watching.cancel() }
        let seen = Collected()
        watcher.subscribe("spc.pool.>") { seen.add($0) }
        watcher.subscribe("spc.opp.>") { seen.add($0) }

        var shardSettings = BusNode.settings([server.url], shard: "a")
        shardSettings.publish = true
        let endpoint = IngestConfig.Endpoint(websocketURL: sim.wsURL, httpURL: sim.httpURL, requestsPerSecond: 500)
        let (shard, shardPort, shardTask) = app(shardSettings, ingest: .forTests(endpoints: [endpoint]), pools: pools)
        var followSettings = BusNode.settings([server.url])
        followSettings.follow = true
        let (follower, followerPort, followerTask) = app(followSettings, ingest: .forTests(endpoints: []), pools: pools)
        XCTAssertNotNil(shard.publisher)
        XCTAssertNotNil(follower.follower)
        let up = await SimulatorHarness.eventually(timeout: 40) {
            shardPort.port != nil && followerPort.port != nil && follower.store.entries().allSatisfy { $0.status == .ok }
                && shard.store.entries().allSatisfy { $0.status == .ok }
        }
        XCTAssertTrue(up, "follower: \(Set(follower.store.entries().map(\.status.label)))")
        try await Task.sleep(nanoseconds: 2_000_000_000)
        try await sim.control("simulatorPause")
        let a = try XCTUnwrap(shardPort.port), b = try XCTUnwrap(followerPort.port)
        // Every pool's /v1/pools/:id equal on both (but for the local counters), once the follower caught up.
        var differing: [String] = []
        var lastError = ""
        let equal = await SimulatorHarness.eventually(timeout: 15) {
            differing = []
            do {
                for p in pools {
                    let x = try await self.get("http://127.0.0.1:\(a)/v1/pools/\(p)"), y = try await self.get("http://127.0.0.1:\(b)/v1/pools/\(p)")
                    let same = try Self.strip(x.1) == Self.strip(y.1)
                    if x.0 != 200 || !same { differing.append(p.base58) }
                }
            } catch {
                lastError = "\(error)"
                return false
            }
            return differing.isEmpty
        }
        XCTAssertTrue(equal, "pools differ: \(differing.prefix(3)) \(lastError)")

        let (status, health) = try await get("http://127.0.0.1:\(b)/v1/health")
        XCTAssertEqual(status, 200)
        let h = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(health.utf8)) as? [String: Any])
        XCTAssertEqual(h["status"] as? String, "ok", health)
        let links = try XCTUnwrap(h["nats"] as? [[String: Any]])
        XCTAssertEqual(links.first?["role"] as? String, "follower")
        XCTAssertEqual(links.first?["state"] as? String, "connected")
        let shards = try XCTUnwrap(links.first?["shards"] as? [[String: Any]])
        XCTAssertEqual(shards.first?["name"] as? String, "a")
        XCTAssertEqual(shards.first?["alive"] as? Bool, true)
        let metrics = try await get("http://127.0.0.1:\(b)/metrics").1
        XCTAssertTrue(metrics.contains("spc_nats_connected{role=\"follower\"} 1"), metrics)
        XCTAssertTrue(metrics.contains("spc_nats_shard_alive{shard=\"a\"} 1"))
        let shardMetrics = try await get("http://127.0.0.1:\(a)/metrics").1
        XCTAssertTrue(shardMetrics.contains("spc_nats_connected{role=\"publisher\"} 1"), shardMetrics)

        // The pool subjects carry the /v1/pools/:id JSON of configured pools.
        let poolMessages = seen.all.filter { $0.subject.hasPrefix("spc.pool.") }
        XCTAssertFalse(poolMessages.isEmpty)
        for m in poolMessages.prefix(50) {
            let o = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(m.payload)) as? [String: Any])
            let address = try XCTUnwrap(o["address"] as? String)
            XCTAssertTrue(m.subject.hasSuffix(".\(address)"))
            XCTAssertTrue(pools.contains(try Pubkey(base58: address)))
        }
        let opportunities = seen.all.filter { $0.subject.hasPrefix("spc.opp.") }
        print("measured: \(poolMessages.count) pool messages and \(opportunities.count) opportunity messages seen by an independent subscriber")
        if let standing = shard.arbitrage?.currentOpportunities(), !standing.isEmpty { XCTAssertFalse(opportunities.isEmpty) }
        try await sim.control("simulatorResume")
        await shard.triggerGracefulShutdown()
        await follower.triggerGracefulShutdown()
        try await shardTask.value
        try await followerTask.value
    }

    /// A pool's JSON without the local counters (`updates`, `age_ms`).
    static func strip(_ text: String) throws -> String {
        guard var o = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return text }
        o["updates"] = nil
        o["age_ms"] = nil
        return String(decoding: try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys]), as: UTF8.self)
    }
}
