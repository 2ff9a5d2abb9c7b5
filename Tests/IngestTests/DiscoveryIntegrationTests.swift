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

/// `[discovery]` against the in-process simulator: the engine follows exactly the pools whose two
/// mints are listed (checked against an independent scan: every DEX program's accounts, unfiltered,
/// searched for both mints' bytes), keeps them equal to the chain, picks up a pool created later,
/// drops one that closes, and applies the liquidity floor.
final class DiscoveryIntegrationTests: XCTestCase {
    let mints = [KnownMints.wsol, KnownMints.usdc]

    struct Rig {
        let sim: SimulatorHarness
        let store: PoolStore
        let engine: IngestEngine
        let task: Task<Void, Error>
        func stop() {
            task.cancel()
            sim.stop()
        }
    }

    func start(pools: Int?, _ configure: (inout DiscoverySettings) -> Void = { _ in }) async throws -> Rig {
        let sim = try await SimulatorHarness.start(pools: pools, slotMillis: 40, swapsPerSlot: 6)
        let endpoint = IngestConfig.Endpoint(websocketURL: sim.wsURL, httpURL: sim.httpURL, requestsPerSecond: 500)
        var discovery = DiscoverySettings(mints: mints)
        discovery.refreshSeconds = 1
        configure(&discovery)
        var logger = Logger(label: "discovery-test")
        logger.logLevel = ProcessInfo.processInfo.environment["INGEST_TEST_LOG"] == nil ? .error : .debug
        let store = PoolStore()
        let engine = try IngestEngine(store: store, config: .forTests(endpoints: [endpoint]), discovery: discovery, logger: logger)
        let task = Task { try await engine.run() }
        return Rig(sim: sim, store: store, engine: engine, task: task)
    }

    /// Pools holding both mints, found without the discovery code: every account of every DEX
    /// program, unfiltered, whose bytes contain both mints anywhere.
    static func independentScan(_ sim: SimulatorHarness, mints: [Pubkey]) async throws -> Set<Pubkey> {
        var out = Set<Pubkey>()
        for program in Set(DexRegistry.all.map(\.program)) {
            let (_, accounts) = try await sim.rpc.getProgramAccounts(program, filters: [], commitment: "confirmed")
            for a in accounts where mints.allSatisfy({ contains(a.data, $0.bytes) }) { out.insert(a.address) }
        }
        return out
    }

    static func contains(_ data: [UInt8], _ needle: [UInt8]) -> Bool {
        guard data.count >= needle.count else { return false }
        for i in 0...(data.count - needle.count) where data[i] == needle[0] && Array(data[i..<(i + needle.count)]) == needle { return true }
        return false
    }

    func followed(_ rig: Rig) -> Set<Pubkey> {
        Set((rig.engine.discovery()?.pools ?? []).filter { $0.state == .followed }.map(\.address))
    }

    func testDiscoveryFollowsExactlyThePoolsOfTheMintsAndTracksTheChain() async throws {
        let rig = try await start(pools: 150)
        defer { rig.stop() }
        let expected = try await Self.independentScan(rig.sim, mints: mints)
        XCTAssertGreaterThan(expected.count, 5, "the cloned cluster has many SOL/USDC pools")
        let settled = await SimulatorHarness.eventually(timeout: 60) {
            let report = rig.engine.discovery()
            return (report?.runs ?? 0) >= 1 && self.followed(rig) == expected
                && rig.store.entries().allSatisfy { $0.status == .ok } && !rig.engine.connections().isEmpty
                && rig.engine.connections().allSatisfy { $0.state == .live }
        }
        let report = try XCTUnwrap(rig.engine.discovery())
        XCTAssertTrue(settled, "followed \(followed(rig).count) of \(expected.count); states \(report.pools.map(\.state.rawValue))")
        XCTAssertEqual(Set(rig.store.poolAddresses()), expected, "the cache holds exactly the discovered pools")
        XCTAssertNil(report.lastError)
        XCTAssertEqual(report.queriesPerRun, DexRegistry.all.count * 2)
        for p in report.pools { XCTAssertTrue(Set([p.mintA, p.mintB]) == Set(mints), "\(p.address): \(p.mintA)/\(p.mintB)") }
        try await assertEqualsChain(rig)
        try await rig.sim.control("simulatorResume")

        // A pool closes and a new one appears (a copy of a discovered pool under a new address,
        // reading the same vaults): the next refresh drops the first and follows the second.
        let closing = try XCTUnwrap(expected.sorted().first)
        let template = try XCTUnwrap(rig.sim.cluster.account(try XCTUnwrap(expected.sorted().last)))
        var created = template
        created.address = Pubkey(bytes: SHA256.hash(Array("discovery-test:new-pool".utf8)))!
        rig.sim.cluster.close([closing])
        rig.sim.cluster.create([created])
        let refreshed = await SimulatorHarness.eventually(timeout: 30) {
            self.followed(rig) == expected.subtracting([closing]).union([created.address])
                && rig.store.entry(closing) == nil && rig.store.entry(created.address)?.status == .ok
        }
        XCTAssertTrue(
            refreshed,
            "closed pool held: \(rig.store.entry(closing).map { "\($0.status)" } ?? "no"), new pool: \(rig.store.entry(created.address).map { "\($0.status)" } ?? "absent")"
        )
        let after = try XCTUnwrap(rig.engine.discovery())
        XCTAssertGreaterThanOrEqual(after.runs, 2)
        XCTAssertGreaterThanOrEqual(after.dropped, 1)
        XCTAssertEqual(after.added, expected.count + 1)
        try await assertEqualsChain(rig)
    }

    func testLiquidityFloorDropsThinPoolsAndReportsThem() async throws {
        // First every pool with a value, to pick a floor between them.
        let open = try await start(pools: nil)
        let valued = await SimulatorHarness.eventually(timeout: 30) {
            guard let r = open.engine.discovery(), r.runs >= 1, !r.pools.isEmpty else { return false }
            return r.pools.allSatisfy { $0.state == .followed } && r.pools.filter { $0.reserveUSD != nil }.count >= 2
        }
        let values = (open.engine.discovery()?.pools ?? []).compactMap(\.reserveUSD).sorted()
        open.stop()
        XCTAssertTrue(valued, "pools valued: \(values)")
        guard values.count >= 2 else { return }
        // A constant-product pool holds equal value on both sides: the SOL/USDC AMM v4 pool is
        // worth twice its USDC reserve.
        let floor = (values[values.count / 2 - 1] + values[values.count / 2]) / 2

        let rig = try await start(pools: nil) { $0.minReserveUSD = floor }
        defer { rig.stop() }
        let settled = await SimulatorHarness.eventually(timeout: 30) {
            guard let r = rig.engine.discovery(), r.runs >= 1 else { return false }
            return r.pools.contains { $0.state == .belowFloor } && r.pools.contains { $0.state == .followed }
        }
        let report = try XCTUnwrap(rig.engine.discovery())
        XCTAssertTrue(settled, "\(report.pools.map { "\($0.state.rawValue) \($0.reserveUSD ?? -1)" })")
        for p in report.pools {
            switch p.state {
            case .followed:
                XCTAssertGreaterThanOrEqual(p.reserveUSD ?? .infinity, floor)
                XCTAssertNotNil(rig.store.entry(p.address))
            case .belowFloor:
                XCTAssertLessThan(try XCTUnwrap(p.reserveUSD), floor)
                XCTAssertNil(rig.store.entry(p.address), "a pool below the floor is not followed")
                XCTAssertNotNil(p.reason)
            default: XCTFail("\(p.address): \(p.state)")
            }
        }
    }

    func testValuationOfAConstantProductPoolIsTwiceItsDollarSide() async throws {
        let rig = try await start(pools: nil)
        defer { rig.stop() }
        let amm = Pubkey("58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2")  // Raydium AMM v4 SOL/USDC (fixtures)
        let ready = await SimulatorHarness.eventually(timeout: 30) {
            rig.engine.discovery()?.pools.first { $0.address == amm }?.reserveUSD != nil && rig.store.entry(amm)?.status == .ok
        }
        XCTAssertTrue(ready)
        try await rig.sim.control("simulatorPause")
        // The pool's USDC reserve read from the chain's vault bytes (SPL token amount at offset 64).
        let entry = try XCTUnwrap(rig.store.entry(amm))
        let price = try XCTUnwrap(entry.price)
        let usdcReserve = Double(try XCTUnwrap(price.mintB == KnownMints.usdc ? price.reserveB : price.reserveA)) / 1e6
        let prices = ReserveValuation.usdPrices(rig.store.entries(), usdMints: [KnownMints.usdc, KnownMints.usdt])
        let value = try XCTUnwrap(ReserveValuation.usdValue(price, prices: prices))
        XCTAssertEqual(value / (2 * usdcReserve), 1, accuracy: 0.01, "value \(value), USDC side \(usdcReserve)")
    }

    func assertEqualsChain(_ rig: Rig, file: StaticString = #filePath, line: UInt = #line) async throws {
        try await rig.sim.control("simulatorPause")
        var last: [String] = []
        let equal = await SimulatorHarness.eventually(timeout: 15) {
            last = SimulatorHarness.mismatches(store: rig.store, cluster: rig.sim.cluster)
            return last.isEmpty
        }
        XCTAssertTrue(equal, "cache differs from the chain: \(last)", file: file, line: line)
    }
}
