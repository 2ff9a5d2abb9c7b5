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

/// Issue 6's must-show scenarios against the in-process simulator over real loopback sockets,
/// each directly, through tinyproxy (HTTP CONNECT) and through microsocks (SOCKS5 with
/// credentials). Every scenario ends with the invariant: every cached account equals the
/// simulator's current bytes, at a slot no older than its last write.
final class IngestIntegrationTests: XCTestCase {
    typealias Route = ProxyRoute

    /// A running engine over a running simulator (and proxy).
    struct Rig {
        let sim: SimulatorHarness
        let store: PoolStore
        let engine: IngestEngine
        let task: Task<Void, Error>
        let proxy: LocalProxy?
        func stop() {
            task.cancel()
            sim.stop()
            proxy?.stop()
        }
    }

    func makeConfig(sim: SimulatorHarness, route: Route, endpoints: Int = 2) throws -> (IngestConfig, LocalProxy?) {
        // Two spellings of the same node count as two endpoints (loopback by address and by name).
        let urls = ["127.0.0.1", "localhost"].prefix(endpoints).map { host in
            IngestConfig.Endpoint(websocketURL: "ws://\(host):\(sim.wsPort)", httpURL: "http://\(host):\(sim.rpcPort)", requestsPerSecond: 200)
        }
        var config = IngestConfig.forTests(endpoints: Array(urls))
        let proxy = try config.route(route)
        return (config, proxy)
    }

    func start(
        route: Route, pools: Int? = nil, configure: (inout IngestConfig) -> Void = { _ in },
        beforeRun: (SimulatorHarness) async throws -> Void = { _ in },
        extraPools: [PoolConfig] = [], extraAccounts: [AccountData] = [], providerSubscriptionLimit: Int = 100
    ) async throws -> Rig {
        let sim = try await SimulatorHarness.start(
            pools: pools, slotMillis: 40, swapsPerSlot: 6, extraAccounts: extraAccounts,
            maxSubscriptionsPerConnection: providerSubscriptionLimit)
        var (config, proxy) = try makeConfig(sim: sim, route: route)
        configure(&config)
        let store = PoolStore()
        for pool in sim.cluster.poolAddresses { store.addPool(PoolConfig(address: pool)) }
        for p in extraPools { store.addPool(p) }
        var logger = Logger(label: "ingest-test")
        logger.logLevel = ProcessInfo.processInfo.environment["INGEST_TEST_LOG"] == nil ? .error : .debug
        let engine = try IngestEngine(store: store, config: config, logger: logger)
        try await beforeRun(sim)
        let task = Task { try await engine.run() }
        return Rig(sim: sim, store: store, engine: engine, task: task, proxy: proxy)
    }

    /// Waits until every pool is validated and every connection is live.
    func waitLive(_ rig: Rig, timeout: Double = 30, file: StaticString = #filePath, line: UInt = #line) async {
        let ok = await SimulatorHarness.eventually(timeout: timeout) {
            let conns = rig.engine.connections()
            return !conns.isEmpty && conns.allSatisfy { $0.state == .live }
                && rig.store.entries().allSatisfy { $0.status != .pending }
        }
        XCTAssertTrue(
            ok, "not live: \(rig.engine.connections().map { "\($0.id):\($0.state.rawValue) \($0.lastError ?? "")" })", file: file, line: line)
    }

    /// Freezes the cluster and waits for the cache to equal it.
    func assertCacheEqualsChain(_ rig: Rig, file: StaticString = #filePath, line: UInt = #line) async throws {
        try await rig.sim.control("simulatorPause")
        var last: [String] = []
        var notOk: [String] = []
        // Equal bytes are not enough: every pool must also be priced and `ok` (a cache that left most
        // pools stale would otherwise pass) unless validation rejected it, and some must be ok.
        let ok = await SimulatorHarness.eventually(timeout: 15) {
            last = SimulatorHarness.mismatches(store: rig.store, cluster: rig.sim.cluster)
            notOk = rig.store.entries().filter { !Self.settledOk($0.status) }.map { "\($0.address.short): \($0.status)" }
            return last.isEmpty && notOk.isEmpty
        }
        XCTAssertTrue(last.isEmpty, "cache differs from the chain: \(last)", file: file, line: line)
        XCTAssertTrue(ok, "pools not ok once the cache equals the chain: \(notOk.prefix(5))", file: file, line: line)
        XCTAssertGreaterThan(rig.store.entries().filter { $0.status == .ok }.count, 0, file: file, line: line)
    }

    /// `ok`, or a validation verdict a test configured on purpose (not a pool, wrong owner, not found).
    static func settledOk(_ s: PoolStatus) -> Bool {
        switch s {
        case .ok, .notFound, .wrongOwner, .unsupported: return true
        default: return false
        }
    }

    func sleep(_ s: Double) async { try? await Task.sleep(nanoseconds: UInt64(s * 1e9)) }

    // MARK: steady stream over 100+ pools, several connections, cap 100

    func steadyStream(_ route: Route) async throws {
        // A loaded CI machine can pause the in-process simulator for over a second; this test is
        // about a steady stream, so its silence deadline is generous (the stall test keeps 1.5 s).
        let rig = try await start(route: route, pools: 120, configure: { $0.silenceDeadlineSeconds = 8 })
        defer { rig.stop() }
        await waitLive(rig)
        XCTAssertGreaterThanOrEqual(rig.store.poolCount, 120)
        let conns = rig.engine.connections()
        XCTAssertGreaterThanOrEqual(conns.count, 2, "several connections")
        XCTAssertTrue(conns.allSatisfy { $0.subscriptions <= 100 }, "cap of 100 per connection: \(conns.map(\.subscriptions))")
        XCTAssertEqual(Set(conns.map(\.endpoint)).count, 2, "spread over both endpoints")
        let subscribed = conns.map(\.subscriptions).reduce(0, +) - conns.count  // minus one slotSubscribe each
        XCTAssertEqual(subscribed, rig.store.watchedAccounts().count)
        let before = rig.engine.counters().notifications
        await sleep(2)
        let c = rig.engine.counters()
        XCTAssertGreaterThan(c.notifications - before, 100, "a steady stream of swaps arrived")
        XCTAssertGreaterThan(c.latency.count, 0)
        XCTAssertEqual(c.reconnects, 0)
        XCTAssertTrue(
            rig.store.entries().allSatisfy { $0.status == .ok },
            "\(rig.store.entries().filter { $0.status != .ok }.map { "\($0.address): \($0.status)" })")
        try await assertCacheEqualsChain(rig)
    }

    func testSteadyStream() async throws { try await steadyStream(.direct) }

    /// A provider that takes only 4 subscriptions per connection: too few to be a per-connection
    /// limit worth learning (more likely a provider-wide budget), so no connection is opened for
    /// the refused accounts; they are counted, shown per connection, not retried every second,
    /// and polled over HTTP, so the cache still follows the chain.
    func testRefusalsBelowTheLearnableLimitAreRetriedLaterNotResharded() async throws {
        let rig = try await start(route: .direct, pools: 40, providerSubscriptionLimit: 5)
        defer { rig.stop() }
        await waitLive(rig)
        let watched = rig.store.watchedAccounts().count
        let counted = await SimulatorHarness.eventually(timeout: 10) {
            rig.engine.connections().map(\.refusedSubscriptions).reduce(0, +) == watched - 4 * rig.engine.connections().count
        }
        let conns = rig.engine.connections()
        XCTAssertTrue(counted, "refused per connection: \(conns.map(\.refusedSubscriptions)), \(watched) watched")
        XCTAssertEqual(conns.count, (watched + 98) / 99, "no connections opened for refused accounts")
        XCTAssertTrue(conns.allSatisfy { $0.subscriptions == 5 })
        let refused = rig.engine.counters().subscriptionsRefused
        await sleep(2.5)
        XCTAssertEqual(rig.engine.counters().subscriptionsRefused, refused, "not retried within the 60 s back-off")
        XCTAssertTrue(rig.store.entries().allSatisfy { $0.status == .ok })
        try await assertCacheEqualsChain(rig)
    }

    /// A provider whose per-connection limit (30) is below the configured cap (100): the refused
    /// subscriptions lower the cap to what a connection accepted and move to new connections, so
    /// every watched account still has a live subscription and the stream goes on.
    func testProviderSubscriptionLimitBelowConfigReshards() async throws {
        let rig = try await start(route: .direct, pools: 40, providerSubscriptionLimit: 30)
        defer { rig.stop() }
        await waitLive(rig)
        let settled = await SimulatorHarness.eventually(timeout: 20) {
            let conns = rig.engine.connections()
            let subscribed = conns.map(\.subscriptions).reduce(0, +) - conns.count
            return conns.allSatisfy { $0.state == .live } && subscribed == rig.store.watchedAccounts().count
        }
        let conns = rig.engine.connections()
        XCTAssertTrue(
            settled,
            "every watched account subscribed: \(conns.map { "\($0.id):\($0.state.rawValue) \($0.subscriptions)" }) of \(rig.store.watchedAccounts().count)"
        )
        XCTAssertTrue(conns.allSatisfy { $0.subscriptions <= 30 }, "within the provider's limit: \(conns.map(\.subscriptions))")
        XCTAssertTrue(conns.allSatisfy { $0.refusedSubscriptions == 0 }, "nothing left refused: \(conns.map(\.refusedSubscriptions))")
        XCTAssertGreaterThan(rig.engine.counters().subscriptionsRefused, 0, "the limit was hit and counted")
        let before = rig.engine.counters().notifications
        await sleep(1.5)
        XCTAssertGreaterThan(rig.engine.counters().notifications - before, 20, "pushes flow for the moved accounts too")
        XCTAssertTrue(rig.store.entries().allSatisfy { $0.status == .ok })
        try await assertCacheEqualsChain(rig)
    }
    func testSteadyStreamThroughHTTPConnectProxy() async throws { try await steadyStream(.httpConnect) }
    func testSteadyStreamThroughSOCKS5Proxy() async throws { try await steadyStream(.socks5) }

    // MARK: connection dropped mid-stream

    func droppedMidStream(_ route: Route) async throws {
        let rig = try await start(route: route)
        defer { rig.stop() }
        await waitLive(rig)
        let before = rig.engine.counters()
        // Refuse new connections for a while, then drop the live ones: swaps go on during the gap.
        try await rig.sim.fault("refuse", durationMs: 800)
        try await rig.sim.fault("drop")
        await sleep(1.2)
        await waitLive(rig)
        let after = rig.engine.counters()
        XCTAssertGreaterThan(after.reconnects, before.reconnects)
        XCTAssertGreaterThan(after.resnapshots, before.resnapshots)
        XCTAssertGreaterThan(after.gapsRepaired, 0, "updates missed during the gap were repaired by the re-snapshot")
        await sleep(0.5)
        try await assertCacheEqualsChain(rig)
    }

    func testDroppedMidStream() async throws { try await droppedMidStream(.direct) }
    func testDroppedMidStreamThroughHTTPConnectProxy() async throws { try await droppedMidStream(.httpConnect) }
    func testDroppedMidStreamThroughSOCKS5Proxy() async throws { try await droppedMidStream(.socks5) }

    // MARK: stalled connection (no pongs)

    func stalled(_ route: Route) async throws {
        let rig = try await start(route: route)
        defer { rig.stop() }
        await waitLive(rig)
        let before = rig.engine.counters().reconnects
        try await rig.sim.fault("stall", durationMs: 2_500)
        let detected = await SimulatorHarness.eventually(timeout: 5) {
            rig.engine.connections().contains { ($0.lastError ?? "").contains("no frame") }
        }
        XCTAssertTrue(detected, "silence detected: \(rig.engine.connections().map { $0.lastError ?? "-" })")
        await sleep(2)
        await waitLive(rig)
        XCTAssertGreaterThan(rig.engine.counters().reconnects, before)
        try await assertCacheEqualsChain(rig)
    }

    func testStalledConnectionReplaced() async throws { try await stalled(.direct) }
    func testStalledConnectionReplacedThroughHTTPConnectProxy() async throws { try await stalled(.httpConnect) }
    func testStalledConnectionReplacedThroughSOCKS5Proxy() async throws { try await stalled(.socks5) }

    // MARK: duplicated and out-of-order notifications

    func duplicatedAndOutOfOrder(_ route: Route) async throws {
        let rig = try await start(route: route)
        defer { rig.stop() }
        await waitLive(rig)
        try await rig.sim.fault("duplicate", durationMs: 1_500)
        try await rig.sim.fault("older_slot", durationMs: 1_500)
        try await rig.sim.fault("delay", durationMs: 1_500)
        await sleep(2)
        let c = rig.engine.counters()
        XCTAssertGreaterThan(c.ignoredOlder, 0, "duplicates and older versions were ignored")
        try await assertCacheEqualsChain(rig)
    }

    func testDuplicatedAndOutOfOrder() async throws { try await duplicatedAndOutOfOrder(.direct) }
    func testDuplicatedAndOutOfOrderThroughHTTPConnectProxy() async throws { try await duplicatedAndOutOfOrder(.httpConnect) }
    func testDuplicatedAndOutOfOrderThroughSOCKS5Proxy() async throws { try await duplicatedAndOutOfOrder(.socks5) }

    // MARK: 429 storm during startup validation

    func storm429(_ route: Route) async throws {
        let rig = try await start(route: route, beforeRun: { sim in try await sim.fault("http429", count: 4, retryAfterSeconds: 1) })
        defer { rig.stop() }
        await waitLive(rig)
        let c = rig.engine.counters()
        XCTAssertEqual(c.http429, 4, "every 429 was seen and waited out")
        XCTAssertTrue(rig.store.entries().allSatisfy { $0.status == .ok }, "\(rig.store.entries().map { "\($0.status)" })")
        try await assertCacheEqualsChain(rig)
    }

    func test429StormDuringStartup() async throws { try await storm429(.direct) }
    func test429StormDuringStartupThroughHTTPConnectProxy() async throws { try await storm429(.httpConnect) }
    func test429StormDuringStartupThroughSOCKS5Proxy() async throws { try await storm429(.socks5) }

    // MARK: dead, foreign and malformed pools

    func badPools(_ route: Route) async throws {
        let amm = Pubkey("675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8")
        let dead = Pubkey(bytes: [UInt8](repeating: 0xDE, count: 32))!
        let truncated = Pubkey(bytes: [UInt8](repeating: 0xA1, count: 32))!
        let foreignOwner = Pubkey(bytes: [UInt8](repeating: 0xA2, count: 32))!
        let accounts = try Cluster.bundledAccounts()
        let template = try XCTUnwrap(accounts.first { RaydiumAmmV4Info.matches($0) })
        let extra = [
            // An AMM v4 pool cut short: right owner, wrong size.
            AccountData(address: truncated, owner: amm, data: Array(template.data.prefix(300)), lamports: 1),
            // A well-formed AMM v4 layout owned by some other program.
            AccountData(address: foreignOwner, owner: Pubkey("11111111111111111111111111111111"), data: template.data, lamports: 1),
        ]
        let vault = try XCTUnwrap(accounts.first { $0.data.count == 165 && $0.owner == ProgramIds.splToken }).address
        let mistyped = try XCTUnwrap(accounts.first { RaydiumCpmmPoolState.matches($0) }).address
        let bad = [
            PoolConfig(address: dead, name: "dead"), PoolConfig(address: truncated, name: "malformed"),
            PoolConfig(address: foreignOwner, name: "foreign-owner"), PoolConfig(address: vault, name: "a token account"),
            PoolConfig(address: KnownMints.wsol, name: "a mint"),
        ]
        let rig = try await start(route: route, extraPools: bad, extraAccounts: extra)
        defer { rig.stop() }
        // Run-time add of a pool whose configured type disagrees with its account.
        await waitLive(rig)
        _ = await rig.engine.removePool(mistyped)
        await rig.engine.addPool(PoolConfig(address: mistyped, name: "mistyped", poolType: "whirlpool"))
        XCTAssertEqual(rig.store.entry(dead)?.status, .notFound)
        XCTAssertEqual(rig.store.entry(truncated)?.status.label, "unsupported")
        XCTAssertEqual(rig.store.entry(foreignOwner)?.status, .wrongOwner(Pubkey("11111111111111111111111111111111")))
        XCTAssertEqual(rig.store.entry(vault)?.status.label, "unsupported")
        XCTAssertEqual(rig.store.entry(KnownMints.wsol)?.status.label, "unsupported")
        XCTAssertEqual(rig.store.entry(mistyped)?.status.label, "unsupported")
        XCTAssertEqual(rig.engine.skippedPools, [dead, truncated, foreignOwner, vault, KnownMints.wsol, mistyped])
        // The good pools are served, and the bad ones are not subscribed.
        let good = rig.sim.cluster.poolAddresses.filter { $0 != mistyped }
        XCTAssertTrue(good.allSatisfy { rig.store.entry($0)?.status == .ok })
        // Bad pools are not subscribed, but a skipped address that is also a good pool's vault or mint is.
        var wanted = Set<Pubkey>()
        for e in rig.store.entries() where !rig.engine.skippedPools.contains(e.address) { wanted.insert(e.address); wanted.formUnion(e.watched) }
        XCTAssertTrue(wanted.contains(vault) && wanted.contains(KnownMints.wsol))
        XCTAssertFalse(wanted.contains(dead) || wanted.contains(truncated) || wanted.contains(foreignOwner))
        let settled = await SimulatorHarness.eventually(timeout: 5) {
            rig.engine.connections().map(\.subscriptions).reduce(0, +) - rig.engine.connections().count == wanted.count
        }
        XCTAssertTrue(settled, "subscribed: \(rig.engine.connections().map(\.subscriptions)), wanted \(wanted.count)")
        try await assertCacheEqualsChain(rig)
    }

    func testBadPoolsAreReportedAndSkipped() async throws { try await badPools(.direct) }
    func testBadPoolsAreReportedAndSkippedThroughHTTPConnectProxy() async throws { try await badPools(.httpConnect) }
    func testBadPoolsAreReportedAndSkippedThroughSOCKS5Proxy() async throws { try await badPools(.socks5) }

    // MARK: failover, run-time add/remove, discovery

    // MARK: tick / bin arrays re-planned when the price moves

    func testArraysAreReplannedWhenThePriceMovesToAnotherArray() async throws {
        let rig = try await start(route: .direct)
        defer { rig.stop() }
        await waitLive(rig)
        try await rig.sim.control("simulatorPause")
        // Push each concentrated pool's price one way with growing swaps until its array set moves.
        var moved: [String] = []
        for e in rig.store.entries() where [.raydiumClmm, .orcaWhirlpool, .meteoraDlmm].contains(e.dex) {
            guard let model = e.model else { continue }
            let before = Set(e.watched)
            var amount: UInt64 = 1_000
            for _ in 0..<40 {
                guard (try? rig.sim.cluster.swap(pool: e.address, inputMint: model.mintA, amountIn: amount)) != nil else { break }
                if await SimulatorHarness.eventually(timeout: 0.3, { Set(rig.store.entry(e.address)?.watched ?? []) != before }) {
                    moved.append("\(e.dex!.rawValue) \(e.address)")
                    break
                }
                amount = amount.multipliedReportingOverflow(by: 4).overflow ? amount : amount * 4
            }
        }
        XCTAssertFalse(moved.isEmpty, "no concentrated pool's price left its arrays")
        // The new arrays are subscribed (and the old ones dropped): subscriptions == watched accounts.
        var counts = (0, 0)
        let planned = await SimulatorHarness.eventually(timeout: 10) {
            let conns = rig.engine.connections()
            counts = (conns.map(\.subscriptions).reduce(0, +) - conns.count, rig.store.watchedAccounts().count)
            return counts.0 == counts.1 && conns.allSatisfy { $0.state == .live }
        }
        XCTAssertTrue(planned, "subscribed \(counts.0) vs watched \(counts.1) after \(moved)")
        try await assertCacheEqualsChain(rig)
    }

    // MARK: freshness: quiet is not stale; unconfirmable is stale; recovery is ok

    func testQuietPoolsStayOkUnreadableOnesTurnStaleThenRecover() async throws {
        let rig = try await start(route: .direct, configure: { $0.staleAfterSeconds = 1 })
        defer { rig.stop() }
        await waitLive(rig)
        // Nothing trades: every pool goes quiet, and the HTTP re-read confirms it current.
        try await rig.sim.control("simulatorPause")
        let confirmed = await SimulatorHarness.eventually(timeout: 10) {
            let start = Date().timeIntervalSince1970 - 0.5
            return rig.store.entries().allSatisfy { ($0.lastVerified ?? 0) > start - 1 && ($0.lastUpdate ?? 0) < start }
        }
        XCTAssertTrue(confirmed, "quiet pools re-read and confirmed")
        XCTAssertEqual(rig.store.entries().filter { $0.status != .ok }.map(\.address), [], "a pool that does not trade is not stale")
        // Every HTTP request now fails (in-process: the control client would fail too): no pool can
        // be confirmed, so all turn stale, and keep their last good bytes.
        rig.sim.server.faults.inject(.http500, count: 1_000_000)
        let stale = await SimulatorHarness.eventually(timeout: 15) { rig.store.entries().allSatisfy { $0.status == .stale } }
        XCTAssertTrue(stale, "\(rig.store.entries().map { "\($0.address): \($0.status)" }.prefix(3))")
        XCTAssertEqual(SimulatorHarness.mismatches(store: rig.store, cluster: rig.sim.cluster), [], "stale, not wrong")
        // HTTP back: the next re-read confirms them, ok again; trading resumes and the cache follows.
        rig.sim.server.faults.clear()
        let recovered = await SimulatorHarness.eventually(timeout: 15) { rig.store.entries().allSatisfy { $0.status == .ok } }
        XCTAssertTrue(recovered, "\(rig.store.entries().filter { $0.status != .ok }.map { "\($0.address): \($0.status)" }.prefix(3))")
        try await rig.sim.control("simulatorResume")
        await sleep(1)
        try await assertCacheEqualsChain(rig)
    }

    func testFailoverFromADeadEndpoint() async throws {
        let silent = try SilentListener()
        let rig = try await start(
            route: .direct,
            configure: { config in
                // Endpoint 0 accepts TCP and never answers (no upgrade, no HTTP reply).
                config.endpoints.insert(
                    .init(websocketURL: "ws://127.0.0.1:\(silent.port)", httpURL: "http://127.0.0.1:\(silent.port)", requestsPerSecond: 100), at: 0)
                config.endpoints.removeLast()
                config.connectTimeoutSeconds = 0.5
                config.requestTimeoutSeconds = 0.5
                config.failoverAfterFailures = 2
            })
        defer { rig.stop() }
        await waitLive(rig, timeout: 40)
        XCTAssertTrue(
            rig.engine.connections().allSatisfy { $0.endpoint == "ws://127.0.0.1:\(rig.sim.wsPort)" }, "\(rig.engine.connections().map(\.endpoint))")
        XCTAssertGreaterThan(rig.engine.counters().reconnects, 0)
        try await assertCacheEqualsChain(rig)
    }

    func testAddAndRemovePoolsAtRunTime() async throws {
        let sim = try await SimulatorHarness.start(slotMillis: 40, swapsPerSlot: 6)
        defer { sim.stop() }
        let (config, _) = try makeConfig(sim: sim, route: .direct)
        let store = PoolStore()
        // `later` must be a pool the simulator can trade (vault-reserve pools).
        let writable: Set<DexKind> = [.raydiumAmmV4, .raydiumCpmm, .orcaTokenSwapV2]
        let pools = sim.cluster.poolAddresses
        let later = try XCTUnwrap(pools.first { sim.cluster.model($0).map { writable.contains($0.dex) } ?? false })
        let gone = try XCTUnwrap(pools.first { $0 != later })
        for p in pools where p != later { store.addPool(PoolConfig(address: p)) }
        let engine = try IngestEngine(store: store, config: config)
        let task = Task { try await engine.run() }
        defer { task.cancel() }
        let rig = Rig(sim: sim, store: store, engine: engine, task: task, proxy: nil)
        await waitLive(rig)
        let goneAccounts = Set([gone] + (store.entry(gone)?.watched ?? []))
        let removed = await engine.removePool(gone)
        XCTAssertTrue(removed)
        await engine.addPool(PoolConfig(address: later))
        XCTAssertEqual(store.entry(later)?.status, .ok)
        XCTAssertNil(store.entry(gone))
        let settled = await SimulatorHarness.eventually(timeout: 5) {
            let subscribed = engine.connections().map(\.subscriptions).reduce(0, +) - engine.connections().count
            return subscribed == store.watchedAccounts().count
        }
        XCTAssertTrue(settled, "subscriptions follow the pool set")
        XCTAssertTrue(goneAccounts.subtracting(store.watchedAccounts()).count > 0)
        let updatesBefore = store.entry(later)?.updates ?? 0
        try await sim.control("simulatorPause")
        let model = try XCTUnwrap(sim.cluster.model(later))
        try await sim.control(
            "simulatorSwap",
            .array([.object([("pool", .string(later.base58)), ("inputMint", .string(model.mintA.base58)), ("amountIn", .string("1000"))])]))
        let updated = await SimulatorHarness.eventually(timeout: 5) { (store.entry(later)?.updates ?? 0) > updatesBefore }
        XCTAssertTrue(updated, "the pool added at run time receives live updates")
        try await assertCacheEqualsChain(rig)
    }

    func testDiscoveryByMintPair() async throws {
        let sim = try await SimulatorHarness.start()
        defer { sim.stop() }
        let (config, _) = try makeConfig(sim: sim, route: .direct)
        let engine = try IngestEngine(store: PoolStore(), config: config)
        let found = try await engine.discoverPools(mints: [KnownMints.usdc, KnownMints.wsol])
        let expected = sim.cluster.poolAddresses.filter { key in
            guard let m = sim.cluster.model(key) else { return false }
            return Set([m.mintA, m.mintB]) == Set([KnownMints.usdc, KnownMints.wsol])
        }
        XCTAssertFalse(expected.isEmpty)
        XCTAssertEqual(Set(found.map(\.address)), Set(expected))
    }
}
