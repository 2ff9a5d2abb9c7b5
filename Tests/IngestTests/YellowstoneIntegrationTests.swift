import Cache
import Foundation
import GeyserSource
import Ingest
import IngestTestSupport
import Logging
import RPC
import Simulator
import SolanaCore
import XCTest

/// Issue 16's gRPC must-shows against the in-process simulator's Geyser service over real
/// loopback sockets: the cache follows every pool over one Yellowstone stream, and after a
/// stream cut (replay), a stall, duplicates and older writes, a proxy restart (replay) and a
/// gap longer than the server retains (re-snapshot), every followed account equals the
/// simulator's bytes at a slot no older than its last write.
final class YellowstoneIntegrationTests: XCTestCase {
    struct Rig {
        let sim: SimulatorHarness
        let store: PoolStore
        let engine: IngestEngine
        let source: GeyserAccountSource
        let task: Task<Void, Error>
        let proxy: ProxyBox
        func stop() {
            task.cancel()
            sim.stop()
            proxy.current?.stop()
        }
        var stream: StreamStats { source.connections()[0].stream ?? StreamStats() }
    }

    /// The proxy of a rig, replaced on restart.
    final class ProxyBox: @unchecked Sendable {
        var current: LocalProxy?
        init(_ p: LocalProxy?) { current = p }
    }

    func start(
        route: ProxyRoute, pools: Int, retainedSlots: Int = GeyserFeed.defaultRetainedSlots, xToken: String? = "grpc-t0ken",
        clientToken: String? = nil
    ) async throws -> Rig {
        let sim = try await SimulatorHarness.start(
            pools: pools, slotMillis: 40, swapsPerSlot: 6, grpc: true, grpcRetainedSlots: retainedSlots, grpcXToken: xToken)
        var config = IngestConfig.forTests(endpoints: [
            IngestConfig.Endpoint(websocketURL: sim.wsURL, httpURL: sim.httpURL, requestsPerSecond: 500)
        ])
        let proxy = try config.route(route)
        let store = PoolStore()
        for pool in sim.cluster.poolAddresses { store.addPool(PoolConfig(address: pool)) }
        var logger = Logger(label: "yellowstone-test")
        logger.logLevel = ProcessInfo.processInfo.environment["INGEST_TEST_LOG"] == nil ? .error : .debug
        let grpcPort = try XCTUnwrap(sim.grpcPort)
        let source = try GeyserAccountSource(
            config: YellowstoneConfig(endpoint: "http://127.0.0.1:\(grpcPort)", xToken: clientToken ?? xToken), ingest: config, logger: logger)
        let engine = IngestEngine(store: store, config: config, source: source, logger: logger)
        let task = Task { try await engine.run() }
        return Rig(sim: sim, store: store, engine: engine, source: source, task: task, proxy: ProxyBox(proxy))
    }

    func waitLive(_ rig: Rig, timeout: Double = 40, file: StaticString = #filePath, line: UInt = #line) async {
        let ok = await SimulatorHarness.eventually(timeout: timeout) {
            rig.source.connections().allSatisfy { $0.state == .live } && rig.store.entries().allSatisfy { $0.status != .pending }
                && rig.source.connections()[0].subscriptions == rig.store.watchedAccounts().count
        }
        let c = rig.source.connections()[0]
        XCTAssertTrue(ok, "not live: \(c.state.rawValue) \(c.subscriptions) subscribed, \(c.lastError ?? "")", file: file, line: line)
    }

    /// Freezes the cluster and waits for the cache to equal it (bytes, owner, slot; every pool ok).
    func assertCacheEqualsChain(_ rig: Rig, file: StaticString = #filePath, line: UInt = #line) async throws {
        try await rig.sim.control("simulatorPause")
        var last: [String] = [], notOk: [String] = []
        let ok = await SimulatorHarness.eventually(timeout: 15) {
            last = SimulatorHarness.mismatches(store: rig.store, cluster: rig.sim.cluster)
            notOk = rig.store.entries().filter { $0.status != .ok }.map { "\($0.address.short): \($0.status)" }
            return last.isEmpty && notOk.isEmpty
        }
        let c = rig.source.connections()[0]
        XCTAssertTrue(last.isEmpty, "cache differs from the chain: \(last); stream \(c.state.rawValue) \(rig.stream)", file: file, line: line)
        XCTAssertTrue(ok, "pools not ok: \(notOk.prefix(5))", file: file, line: line)
        try await rig.sim.control("simulatorResume")
    }

    func waitFor(_ what: String, timeout: Double = 20, _ condition: () -> Bool, file: StaticString = #filePath, line: UInt = #line) async {
        let ok = await SimulatorHarness.eventually(timeout: timeout) { condition() }
        XCTAssertTrue(ok, what, file: file, line: line)
    }

    /// Live over one stream; a cut resumes by replay, a stall by silence detection and replay;
    /// duplicated and older writes are dropped by (slot, write_version); the cache equals the chain.
    func faultsOverOneStream(_ route: ProxyRoute, pools: Int) async throws {
        let rig = try await start(route: route, pools: pools)
        defer { rig.stop() }
        await waitLive(rig)
        XCTAssertEqual(rig.source.connections().count, 1, "one stream")
        XCTAssertEqual(rig.stream.filters, 1)
        let t0 = Date(), received0 = rig.stream.received
        await waitFor("updates flow") { rig.stream.received > received0 + 200 }
        let rate = Double(rig.stream.received - received0) / Date().timeIntervalSince(t0)
        print("yellowstone \(route): \(pools) pools, \(rig.store.watchedAccounts().count) accounts, ~\(Int(rate)) updates/s received")
        try await assertCacheEqualsChain(rig)

        // A cut ends the stream; the reconnect resumes from the last slot by replay.
        try await rig.sim.fault("cut")
        await waitFor("replayed after the cut") { rig.stream.replays >= 1 && rig.source.connections()[0].state == .live }
        XCTAssertEqual(rig.stream.resnapshots, 0, "replay, not a re-snapshot")
        try await assertCacheEqualsChain(rig)

        // Duplicates and older versions: not newer by (slot, write_version), dropped before the store.
        let dup0 = rig.stream.duplicates
        try await rig.sim.fault("duplicate", durationMs: 600)
        try await rig.sim.fault("older_slot", durationMs: 600)
        await waitFor("duplicates dropped") { rig.stream.duplicates > dup0 }
        try await Task.sleep(nanoseconds: 700_000_000)
        try await assertCacheEqualsChain(rig)

        // A stall: the stream goes silent (no pongs either) past the 1.5 s deadline and is replaced.
        let reconnects = rig.source.connections()[0].reconnects
        try await rig.sim.fault("stall", durationMs: 2_500)
        await waitFor("stall detected") { rig.source.connections()[0].reconnects > reconnects }
        await waitFor("live again") { rig.source.connections()[0].state == .live }
        try await assertCacheEqualsChain(rig)

        if route != .direct {
            // A proxy restart kills the tunnel; the reconnect goes through the new proxy and replays.
            let replays = rig.stream.replays
            rig.proxy.current = try rig.proxy.current?.restarted()
            await waitFor("replayed after the proxy restart") { rig.stream.replays > replays && rig.source.connections()[0].state == .live }
            let received = rig.stream.received
            await waitFor("updates through the new proxy") { rig.stream.received > received + 50 }
            XCTAssertGreaterThan(try XCTUnwrap(rig.proxy.current).bytesRelayed(), 0, "the stream crossed the proxy")
            try await assertCacheEqualsChain(rig)
        }
        let health = rig.source.connections()[0]
        XCTAssertEqual(health.source, "yellowstone")
        XCTAssertGreaterThan(rig.stream.applied, 0)
        XCTAssertEqual(rig.engine.counters().decodeErrors, 0)
    }

    func testStreamFollowsPoolsThroughCutStallAndDuplicates() async throws { try await faultsOverOneStream(.direct, pools: 300) }
    func testStreamThroughHTTPConnectProxyRestart() async throws { try await faultsOverOneStream(.httpConnect, pools: 60) }
    func testStreamThroughSOCKS5ProxyRestart() async throws { try await faultsOverOneStream(.socks5, pools: 60) }

    /// A gap longer than the server keeps (5 slots here): `from_slot` is not offered, so the
    /// reconnect re-reads everything with getMultipleAccounts, and the cache still equals the chain.
    func testResnapshotWhenReplayIsNoLongerAvailable() async throws {
        let rig = try await start(route: .httpConnect, pools: 40, retainedSlots: 5)
        defer { rig.stop() }
        await waitLive(rig)
        let proxy = try XCTUnwrap(rig.proxy.current)
        let reads = rig.engine.counters().resnapshots
        proxy.stop()
        // 1.5 s of 40 ms slots: far more than the 5 retained.
        try await Task.sleep(nanoseconds: 1_500_000_000)
        rig.proxy.current = try LocalProxy.start(proxy.kind, username: proxy.username, password: proxy.password, port: proxy.port)
        await waitFor("re-snapshot after the long gap") { rig.stream.resnapshots >= 1 && rig.source.connections()[0].state == .live }
        XCTAssertEqual(rig.stream.replays, 0)
        await waitFor("the re-snapshot reached the engine") { rig.engine.counters().resnapshots > reads }
        try await assertCacheEqualsChain(rig)
    }

    /// Pools added at run time widen the filter on the same stream (no reconnect); removed ones
    /// narrow it, and their late updates count as unfollowed.
    func testFollowChangesTheFilterOnTheLiveStream() async throws {
        let rig = try await start(route: .direct, pools: 30)
        defer { rig.stop() }
        await waitLive(rig)
        let reconnects = rig.source.connections()[0].reconnects
        let pool = rig.sim.cluster.poolAddresses[0]
        let removed = await rig.engine.removePool(pool)
        XCTAssertTrue(removed)
        await waitFor("filter narrowed") { rig.source.connections()[0].subscriptions == rig.store.watchedAccounts().count }
        await rig.engine.addPool(PoolConfig(address: pool))
        await waitLive(rig)
        XCTAssertEqual(rig.source.connections()[0].reconnects, reconnects, "filter changes ride the same stream")
        try await assertCacheEqualsChain(rig)
    }

    /// `https://`: TLS (ALPN h2, the test CA, SNI by name) through socat in front of the simulator's
    /// h2c port; the stream is live and the cache equals the chain.
    func testStreamOverTLS() async throws {
        let certs = try TLSIntegrationTests.certificates.get()
        let sim = try await SimulatorHarness.start(pools: 20, slotMillis: 40, swapsPerSlot: 6, grpc: true)
        defer { sim.stop() }
        let tls = try TLSTerminator.start(certificates: certs, forwardTo: try XCTUnwrap(sim.grpcPort))
        defer { tls.stop() }
        var config = IngestConfig.forTests(endpoints: [.init(websocketURL: sim.wsURL, httpURL: sim.httpURL, requestsPerSecond: 500)])
        config.tlsCAFile = certs.caFile
        let store = PoolStore()
        for pool in sim.cluster.poolAddresses { store.addPool(PoolConfig(address: pool)) }
        let source = try GeyserAccountSource(config: YellowstoneConfig(endpoint: "https://localhost:\(tls.port)"), ingest: config)
        let engine = IngestEngine(store: store, config: config, source: source)
        let task = Task { try await engine.run() }
        let rig = Rig(sim: sim, store: store, engine: engine, source: source, task: task, proxy: ProxyBox(nil))
        defer { task.cancel() }
        await waitLive(rig)
        let received = rig.stream.received
        await waitFor("updates over TLS") { rig.stream.received > received + 50 }
        try await assertCacheEqualsChain(rig)
    }

    /// A server that accepts the connection and never answers: the source gives up after the
    /// silence deadline and retries, instead of waiting forever for SETTINGS or headers.
    func testSilentServerIsAbandonedWithinTheDeadline() async throws {
        let sim = try await SimulatorHarness.start(pools: 2, grpc: true)
        defer { sim.stop() }
        let silent = try SilentListener()
        defer { withExtendedLifetime(silent) {} }
        let config = IngestConfig.forTests(endpoints: [.init(websocketURL: sim.wsURL, httpURL: sim.httpURL, requestsPerSecond: 500)])
        let source = try GeyserAccountSource(config: YellowstoneConfig(endpoint: "http://127.0.0.1:\(silent.port)"), ingest: config)
        let engine = IngestEngine(store: PoolStore(), config: config, source: source)
        let task = Task { try await engine.run() }
        defer { task.cancel() }
        // Deadline 1.5 s: two attempts within 6 s, each ended as silent.
        await waitFor("abandoned and retried", timeout: 6) { source.connections()[0].reconnects >= 2 }
        XCTAssertTrue(source.connections()[0].lastError?.contains("1.5") == true, "\(source.connections()[0].lastError ?? "")")
        XCTAssertNotEqual(source.connections()[0].state, .live)
    }

    /// A wrong x-token is refused (UNAUTHENTICATED) and the token never reaches health.
    func testWrongTokenIsRefusedAndNotShown() async throws {
        let rig = try await start(route: .direct, pools: 4, xToken: "right-t0ken", clientToken: "wr0ng-t0ken")
        defer { rig.stop() }
        await waitFor("refused") { rig.source.connections()[0].lastError?.contains("unauthenticated") == true }
        let health = rig.source.connections()[0]
        XCTAssertNotEqual(health.state, .live)
        XCTAssertFalse("\(health)".contains("wr0ng-t0ken"))
    }
}
