import Cache
import Dex
import Foundation
import Ingest
import IngestTestSupport
import Logging
import RPC
import Simulator
import SolanaCore
import XCTest

/// Issue 16's `programSubscribe` must-show against the in-process simulator over real loopback
/// sockets: many pools followed through a few program subscriptions within a connection budget,
/// through drops, stalls and a proxy restart, ending with the ingestion invariant (every followed
/// account equals the simulator's bytes, at a slot no older than its last write).
final class ProgramSubscribeIntegrationTests: XCTestCase {
    /// A running engine over a running simulator, optionally through a real proxy that can be restarted.
    final class Rig: @unchecked Sendable {
        let sim: SimulatorHarness
        let store: PoolStore
        let engine: IngestEngine
        let task: Task<Void, Error>
        var proxy: LocalProxy?
        init(sim: SimulatorHarness, store: PoolStore, engine: IngestEngine, task: Task<Void, Error>, proxy: LocalProxy?) {
            self.sim = sim; self.store = store; self.engine = engine; self.task = task; self.proxy = proxy
        }
        func stop() {
            task.cancel()
            sim.stop()
            proxy?.stop()
        }
    }

    func start(
        pools: Int?, route: ProxyRoute = .direct, slotMillis: Int = 100, follows: (Int) -> Bool = { _ in true },
        configure: (inout IngestConfig) -> Void = { _ in }
    ) async throws -> Rig {
        let sim = try await SimulatorHarness.start(pools: pools, slotMillis: slotMillis, swapsPerSlot: 6)
        let urls = ["127.0.0.1", "localhost"].map { host in
            IngestConfig.Endpoint(websocketURL: "ws://\(host):\(sim.wsPort)", httpURL: "http://\(host):\(sim.rpcPort)", requestsPerSecond: 1_000)
        }
        var config = IngestConfig.forTests(endpoints: urls)
        // A loaded CI machine can pause the in-process simulator for a while with this many pools.
        config.silenceDeadlineSeconds = 3
        let proxy = try config.route(route)
        configure(&config)
        let store = PoolStore()
        for (i, pool) in sim.cluster.poolAddresses.enumerated() where follows(i) { store.addPool(PoolConfig(address: pool)) }
        var logger = Logger(label: "ingest-test")
        logger.logLevel = ProcessInfo.processInfo.environment["INGEST_TEST_LOG"] == nil ? .error : .debug
        let engine = try IngestEngine(store: store, config: config, logger: logger)
        let task = Task { try await engine.run() }
        return Rig(sim: sim, store: store, engine: engine, task: task, proxy: proxy)
    }

    func waitLive(_ rig: Rig, timeout: Double, file: StaticString = #filePath, line: UInt = #line) async {
        let ok = await SimulatorHarness.eventually(timeout: timeout, every: 0.2) {
            let conns = rig.engine.connections()
            return !conns.isEmpty && conns.allSatisfy { $0.state == .live } && rig.store.entries().allSatisfy { $0.status != .pending }
        }
        XCTAssertTrue(
            ok, "not live: \(rig.engine.connections().map { "\($0.id):\($0.state.rawValue) \($0.lastError ?? "")" })", file: file, line: line)
    }

    /// Freezes the cluster and waits for the cache to equal it, every pool `ok`.
    func assertCacheEqualsChain(_ rig: Rig, file: StaticString = #filePath, line: UInt = #line) async throws {
        try await rig.sim.control("simulatorPause")
        var last: [String] = [], notOk: [String] = []
        let ok = await SimulatorHarness.eventually(timeout: 30, every: 0.2) {
            last = SimulatorHarness.mismatches(store: rig.store, cluster: rig.sim.cluster)
            notOk = rig.store.entries().filter { $0.status != .ok }.map { "\($0.address.short): \($0.status)" }
            return last.isEmpty && notOk.isEmpty
        }
        XCTAssertTrue(last.isEmpty, "cache differs from the chain: \(last)", file: file, line: line)
        XCTAssertTrue(ok, "pools not ok once the cache equals the chain: \(notOk.prefix(5))", file: file, line: line)
        try await rig.sim.control("simulatorResume")
    }

    func sleep(_ s: Double) async throws { try await Task.sleep(nanoseconds: UInt64(s * 1e9)) }

    func summary(_ conns: [ConnectionHealth]) -> String {
        "\(conns.count) connections, \(conns.map(\.accountSubscriptions).reduce(0, +)) account + \(conns.map(\.programSubscriptions).reduce(0, +)) program subscriptions"
    }

    /// ~1,400 pools (about 6,600 accounts: 67 connections of account subscriptions) in program
    /// mode within a budget of 20 connections through tinyproxy: a drop (with upgrades refused
    /// for a while), a stall and a proxy restart later, every followed account equals the chain.
    func testProgramModeFollows1400PoolsWithin20ConnectionsThroughDropsStallsAndAProxyRestart() async throws {
        let rig = try await start(
            pools: 1_400, route: .httpConnect,
            configure: {
                $0.mode = .program
                $0.maxConnections = 20
            })
        defer { rig.stop() }
        await waitLive(rig, timeout: 240)
        XCTAssertGreaterThanOrEqual(rig.store.poolCount, 1_400)
        let watched = rig.store.watchedAccounts().count
        var conns = rig.engine.connections()
        print("1,400 pools, \(watched) accounts: \(summary(conns))")
        XCTAssertLessThanOrEqual(conns.count, 20, summary(conns))
        XCTAssertGreaterThan(conns.map(\.programSubscriptions).reduce(0, +), 0)
        XCTAssertLessThan(conns.map(\.accountSubscriptions).reduce(0, +), watched / 4, "most accounts arrive through program subscriptions")
        XCTAssertEqual(Set(conns.map(\.endpoint)).count, 2, "spread over both endpoints")
        XCTAssertTrue(conns.allSatisfy { $0.subscriptions <= 100 })
        try await assertCacheEqualsChain(rig)
        let applied = await SimulatorHarness.eventually(timeout: 10, every: 0.2) {
            rig.engine.connections().map(\.updatesApplied).reduce(0, +) > 100
        }
        XCTAssertTrue(applied, "program notifications applied: \(rig.engine.connections().map(\.updatesApplied))")

        // Drop every connection while new ones are refused for a while: swaps go on in the gap.
        let before = rig.engine.counters()
        try await rig.sim.fault("refuse", durationMs: 1_000)
        try await rig.sim.fault("drop")
        try await sleep(1.5)
        await waitLive(rig, timeout: 120)
        XCTAssertGreaterThan(rig.engine.counters().reconnects, before.reconnects)
        XCTAssertGreaterThan(rig.engine.counters().gapsRepaired, before.gapsRepaired, "the re-snapshot repaired what the gap missed")
        try await assertCacheEqualsChain(rig)

        // A stall: connections go silent and are replaced.
        let reconnects = rig.engine.counters().reconnects
        try await rig.sim.fault("stall", durationMs: 4_500)
        let detected = await SimulatorHarness.eventually(timeout: 10) {
            rig.engine.connections().contains { ($0.lastError ?? "").contains("no frame") }
        }
        XCTAssertTrue(detected, "silence detected: \(rig.engine.connections().map { $0.lastError ?? "-" })")
        try await sleep(3)
        await waitLive(rig, timeout: 120)
        XCTAssertGreaterThan(rig.engine.counters().reconnects, reconnects)
        try await assertCacheEqualsChain(rig)

        // The proxy dies and comes back on the same port: every connection through it is re-made.
        let proxy = try XCTUnwrap(rig.proxy)
        let port = proxy.port
        proxy.stop()
        let lost = await SimulatorHarness.eventually(timeout: 15) { rig.engine.connections().allSatisfy { $0.state != .live } }
        XCTAssertTrue(lost, "connections noticed the proxy going: \(rig.engine.connections().map(\.state.rawValue))")
        try await sleep(1)
        rig.proxy = try LocalProxy.start(.httpConnect, username: "cache", password: "t0p-secret", port: port)
        await waitLive(rig, timeout: 120)
        conns = rig.engine.connections()
        XCTAssertLessThanOrEqual(conns.count, 20, summary(conns))
        try await assertCacheEqualsChain(rig)
    }

    /// Half of the cluster's pools followed, in program mode: program notifications of the other
    /// half are dropped undecoded and counted per connection; the followed half equals the chain,
    /// also after duplicated, older-slot and delayed notifications.
    func testUnfollowedProgramNotificationsAreDroppedAndCounted() async throws {
        let rig = try await start(pools: 200, slotMillis: 50, follows: { $0 % 2 == 0 }, configure: { $0.mode = .program })
        defer { rig.stop() }
        await waitLive(rig, timeout: 120)
        let counted = await SimulatorHarness.eventually(timeout: 15, every: 0.2) {
            let c = rig.engine.connections()
            return c.map(\.updatesDroppedUnfollowed).reduce(0, +) > 20 && c.map(\.updatesApplied).reduce(0, +) > 20
        }
        let conns = rig.engine.connections()
        XCTAssertTrue(
            counted,
            "received \(conns.map(\.updatesReceived)), applied \(conns.map(\.updatesApplied)), dropped \(conns.map(\.updatesDroppedUnfollowed))")
        XCTAssertTrue(conns.allSatisfy { $0.updatesApplied + $0.updatesDroppedUnfollowed <= $0.updatesReceived })
        // Nothing of an unfollowed pool entered the cache.
        let followed = Set(rig.store.poolAddresses())
        let other = rig.sim.cluster.poolAddresses.filter { !followed.contains($0) }
        XCTAssertFalse(other.isEmpty)
        XCTAssertTrue(other.allSatisfy { rig.store.account($0) == nil })
        try await assertCacheEqualsChain(rig)
        // Duplicated, older-slot and late program notifications change nothing the slot order does not allow.
        let ignored = rig.engine.counters().ignoredOlder
        try await rig.sim.fault("duplicate", durationMs: 1_500)
        try await rig.sim.fault("older_slot", durationMs: 1_500)
        try await rig.sim.fault("delay", durationMs: 1_500)
        try await sleep(2)
        XCTAssertGreaterThan(rig.engine.counters().ignoredOlder, ignored, "duplicates and older versions were ignored")
        try await assertCacheEqualsChain(rig)
    }

    /// Program mode over cloned pools: push concentrated pools' prices into other tick/bin arrays;
    /// the arrays they now need join their program subscription's follow set (re-read at once)
    /// and the cache equals the chain, arrays included.
    func testArraysFollowThePriceInProgramMode() async throws {
        let rig = try await start(pools: 60, slotMillis: 50, configure: { $0.mode = .program })
        defer { rig.stop() }
        await waitLive(rig, timeout: 60)
        try await rig.sim.control("simulatorPause")
        var moved: [String] = []
        for e in rig.store.entries() where [.raydiumClmm, .orcaWhirlpool, .meteoraDlmm].contains(e.dex) && moved.count < 6 {
            guard let model = e.model else { continue }
            let before = Set(e.watched)
            var amount: UInt64 = 1_000
            for _ in 0..<40 {
                // A swap the program would refuse (past the last array, zero output) ends the push.
                do { _ = try rig.sim.cluster.swap(pool: e.address, inputMint: model.mintA, amountIn: amount) } catch is QuoteError {
                    break
                } catch is SwapWriteError {
                    break
                }
                if await SimulatorHarness.eventually(timeout: 0.3, { Set(rig.store.entry(e.address)?.watched ?? []) != before }) {
                    moved.append("\(e.dex!.rawValue) \(e.address)")
                    break
                }
                amount = amount.multipliedReportingOverflow(by: 4).overflow ? amount : amount * 4
            }
        }
        XCTAssertFalse(moved.isEmpty, "no concentrated pool's price left its arrays")
        let conns = rig.engine.connections()
        XCTAssertLessThan(conns.map(\.accountSubscriptions).reduce(0, +), 30, "the new arrays ride the program subscriptions: \(summary(conns))")
        try await assertCacheEqualsChain(rig)
    }

    /// `auto`: the bundled pools (a few accounts per DEX) keep one subscription per account;
    /// 1,000 pools (hundreds of accounts per DEX) go to program subscriptions.
    func testAutoModeChoosesPerDexByFollowedAccounts() async throws {
        let small = try await start(pools: nil, configure: { $0.mode = .auto })
        await waitLive(small, timeout: 60)
        let conns = small.engine.connections()
        small.stop()
        XCTAssertEqual(conns.map(\.programSubscriptions).reduce(0, +), 0, summary(conns))
        XCTAssertEqual(conns.map(\.accountSubscriptions).reduce(0, +), small.store.watchedAccounts().count)

        let large = try await start(pools: 1_000, configure: { $0.mode = .auto })
        defer { large.stop() }
        await waitLive(large, timeout: 240)
        let many = large.engine.connections()
        print("auto, 1,000 pools, \(large.store.watchedAccounts().count) accounts: \(summary(many))")
        XCTAssertGreaterThan(many.map(\.programSubscriptions).reduce(0, +), 0, summary(many))
        XCTAssertLessThanOrEqual(many.count, 15, summary(many))
        try await assertCacheEqualsChain(large)
    }

    /// A budget too small for what must be subscribed one by one: at most `max_connections`
    /// connections open, the rest is polled over HTTP, and the cache still equals the chain.
    func testConnectionBudgetTooSmallPollsTheRest() async throws {
        let rig = try await start(
            pools: 60,
            configure: {
                $0.mode = .accounts
                $0.maxConnections = 1
                $0.staleAfterSeconds = 2
            })
        defer { rig.stop() }
        await waitLive(rig, timeout: 60)
        let conns = rig.engine.connections()
        XCTAssertEqual(conns.count, 1, summary(conns))
        XCTAssertGreaterThan(rig.store.watchedAccounts().count, 99, "more accounts than one connection holds")
        try await assertCacheEqualsChain(rig)
    }
}
