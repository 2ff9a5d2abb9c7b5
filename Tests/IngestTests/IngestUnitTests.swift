import Cache
import Dex
@testable import Ingest
import RPC
import SolanaCore
import XCTest

/// The pure parts of ingestion: backoff, shard planning, discovery filters, latency histogram.
final class IngestUnitTests: XCTestCase {
    func key(_ i: Int) -> Pubkey { Pubkey(w0: UInt64(i), w1: 1, w2: 2, w3: 3) }

    func testBackoffGrowsWithJitterUnderTheCap() {
        let b = Backoff(initial: 0.25, max: 30)
        XCTAssertEqual(b.ceiling(attempt: 1), 0.25)
        XCTAssertEqual(b.ceiling(attempt: 2), 0.5)
        XCTAssertEqual(b.ceiling(attempt: 4), 2)
        XCTAssertEqual(b.ceiling(attempt: 8), 30)  // 32 capped
        XCTAssertEqual(b.ceiling(attempt: 10_000), 30)  // no overflow
        var rng = SplitMix64(seed: 0x1A5E)  // seeded: a failure reproduces
        var distinct = Set<Double>()
        for attempt in 1...12 {
            for _ in 0..<50 {
                let d = b.delay(attempt: attempt, using: &rng)
                XCTAssertGreaterThanOrEqual(d, b.ceiling(attempt: attempt) * 0.5)
                XCTAssertLessThanOrEqual(d, b.ceiling(attempt: attempt))
                distinct.insert(d)
            }
        }
        XCTAssertGreaterThan(distinct.count, 100, "jitter spreads reconnects")
    }

    func testShardPlanRespectsCapacityAndIsSticky() {
        var plan = ShardPlan(capacity: 99, endpointCount: 3)
        let first = plan.update(wanted: Set((0..<450).map(key)))
        XCTAssertEqual(first.newShards, [0, 1, 2, 3, 4])
        XCTAssertTrue(plan.shards.allSatisfy { $0.count <= 99 })
        XCTAssertEqual(plan.shards.map(\.count).reduce(0, +), 450)
        XCTAssertEqual((0..<5).map(plan.initialEndpoint), [0, 1, 2, 0, 1])
        let before = plan.shardOf
        // Remove 50, add 60: survivors keep their shard; the freed room is reused first.
        let wanted = Set((50..<510).map(key))
        let delta = plan.update(wanted: wanted)
        XCTAssertEqual(delta.removed.values.map(\.count).reduce(0, +), 50)
        XCTAssertEqual(delta.added.values.map(\.count).reduce(0, +), 60)
        for i in 50..<450 { XCTAssertEqual(plan.shardOf[key(i)], before[key(i)]) }
        XCTAssertTrue(plan.shards.allSatisfy { $0.count <= 99 })
        XCTAssertEqual(Set(plan.shardOf.keys), wanted)
        XCTAssertEqual(plan.shards.count, 5, "reused freed capacity before opening a connection")
        XCTAssertTrue(plan.update(wanted: wanted).isEmpty)
    }

    func testShardPlanLowersCapacityToTheProvidersLimit() {
        var plan = ShardPlan(capacity: 99, endpointCount: 2)
        let wanted = Set((0..<150).map(key))
        _ = plan.update(wanted: wanted)
        XCTAssertEqual(plan.shards.map(\.count), [99, 51])
        // Shard 0's connection took 29 and refused the rest: no shard may hold more than 29.
        let refused = Array(plan.shards[0].sorted().suffix(70))
        let touched = plan.lowerCapacity(to: 29, evicting: refused)
        XCTAssertEqual(touched, [0, 1], "shard 1 held 51: it sheds its overflow")
        XCTAssertEqual(plan.capacity, 29)
        XCTAssertEqual(plan.shards.map(\.count), [29, 29])
        XCTAssertTrue(plan.shards[0].isDisjoint(with: refused), "the refused keys left the shard that refused them")
        let delta = plan.update(wanted: wanted)
        XCTAssertEqual(delta.newShards, [2, 3, 4, 5])
        XCTAssertTrue(plan.shards.allSatisfy { $0.count <= 29 })
        XCTAssertEqual(Set(plan.shardOf.keys), wanted)
        XCTAssertEqual(plan.shards.map(\.count).reduce(0, +), 150)
        // Another connection that hit the same limit: its refused keys move, the capacity stays.
        let late = plan.shards[2].sorted().first!
        XCTAssertEqual(plan.lowerCapacity(to: 29, evicting: [late]), [2])
        XCTAssertNil(plan.shardOf[late])
        // A connection that accepted nothing, or more than the capacity, changes nothing.
        XCTAssertNil(plan.lowerCapacity(to: 0, evicting: [key(0)]))
        XCTAssertNil(plan.lowerCapacity(to: 30, evicting: [key(0)]))
        XCTAssertEqual(plan.capacity, 29)
        XCTAssertNotNil(plan.shardOf[key(0)])
    }

    func testDiscoveryQueriesOnePerDexAndMintWithTheMintsSliced() {
        let sol = KnownMints.wsol, usdc = KnownMints.usdc
        let qs = PoolDiscovery.queries(mints: [sol, usdc, sol], dexes: [.raydiumAmmV4, .pumpSwap])
        XCTAssertEqual(qs.count, 4, "one query per DEX and distinct mint")
        // AMM v4 (dex-layouts.md §1): 752-byte pools, coin mint at 400, pc mint at 432.
        let amm = qs.filter { $0.dex == .raydiumAmmV4 }
        XCTAssertEqual(
            Set(amm.map(\.filters)),
            [[.dataSize(752), .memcmp(offset: 400, bytes: sol.bytes)], [.dataSize(752), .memcmp(offset: 400, bytes: usdc.bytes)]])
        XCTAssertEqual(amm.first?.dataSlice, JSONRPCClient.DataSlice(offset: 400, length: 64))
        // PumpSwap pools grew over time (no size filter): the whole account comes back and is checked.
        let pump = qs.filter { $0.dex == .pumpSwap }
        XCTAssertEqual(Set(pump.map(\.filters)), [[.memcmp(offset: 43, bytes: sol.bytes)], [.memcmp(offset: 43, bytes: usdc.bytes)]])
        XCTAssertTrue(pump.allSatisfy { $0.dataSlice == nil })
        XCTAssertEqual(Set(PoolDiscovery.queries(mints: [sol, usdc]).map(\.dex)), Set(DexKind.allCases))
    }

    func testDiscoveryKeepsOnlyPoolsWhoseBothMintsAreListed() {
        let sol = KnownMints.wsol, usdc = KnownMints.usdc, usdt = KnownMints.usdt
        let q = PoolDiscovery.queries(mints: [sol, usdc], dexes: [.raydiumAmmV4])[0]
        let key = Pubkey(bytes: [UInt8](repeating: 7, count: 32))!
        func slice(_ a: Pubkey, _ b: Pubkey) -> AccountData {
            AccountData(address: key, owner: ProgramIds.raydiumAmmV4, data: a.bytes + b.bytes, slot: 1)
        }
        XCTAssertEqual(q.pool(in: slice(sol, usdc), mints: [sol, usdc]), DiscoveredPool(address: key, dex: .raydiumAmmV4, mintA: sol, mintB: usdc))
        XCTAssertNil(q.pool(in: slice(sol, usdt), mints: [sol, usdc]))
        XCTAssertNil(q.pool(in: AccountData(address: key, owner: ProgramIds.raydiumAmmV4, data: sol.bytes, slot: 1), mints: [sol, usdc]))
    }

    func testLatencyHistogram() {
        var h = LatencyHistogram()
        XCTAssertEqual(h.quantile(0.5), 0)
        for _ in 0..<98 { h.record(0.0003) }
        h.record(0.02)
        h.record(7)
        XCTAssertEqual(h.count, 100)
        XCTAssertEqual(h.quantile(0.5), 0.0005)
        XCTAssertEqual(h.quantile(0.99), 0.025)
        XCTAssertEqual(h.counts.last, 1)
        h.record(-.infinity)
        XCTAssertEqual(h.counts.first, 1)
    }
}
