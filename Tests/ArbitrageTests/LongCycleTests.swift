@testable import Arbitrage
import Dex
import PoolMath
import SolanaCore
import Foundation
import XCTest

/// Cycles longer than 4 hops (the original's sample config has `max_hops = 6`): a ring of
/// constant-product pools SOL → M1 → … → SOL whose product of prices is above 1 only around the
/// whole ring, so only a cycle of the ring's full length can profit.
final class LongCycleTests: XCTestCase {
    /// Ring of `hops` pools; every pool prices its output 1:1 except the last, which pays `edgeBps` more.
    static func ring(hops: Int, edgeBps: UInt64) -> [RingPool] {
        let mints = [KnownMints.wsol] + (1..<hops).map { RingPool.key("mint-\($0)") }
        return (0..<hops).map { i in
            let reserveIn: UInt64 = 1_000_000_000_000
            let reserveOut = i == hops - 1 ? reserveIn / 10_000 * (10_000 + edgeBps) : reserveIn
            return RingPool(
                address: RingPool.key("pool-\(i)"), mintA: mints[i], mintB: mints[(i + 1) % hops],
                reserveA: reserveIn, reserveB: reserveOut, feeBps: 5)
        }
    }

    func engine(maxHops: Int, pools: [RingPool]) -> ArbitrageEngine {
        let e = ArbitrageEngine(config: ArbitrageConfig(maxHops: maxHops, txCostLamports: 0, maxAgeMs: .max / 2))
        for p in pools { e.upsert(PoolSnapshot(model: p, status: .ok, slot: 1, updatedAtMs: 0)) }
        return e
    }

    func testFiveAndSixHopCyclesAreFoundOnlyWhenMaxHopsAllowsThem() throws {
        let time = ScanTime(unixMs: 0, slot: 1)
        for hops in [5, 6] {
            let pools = Self.ring(hops: hops, edgeBps: 300)
            // One hop short of the ring: no cycle exists, nothing is reported.
            let short = engine(maxHops: hops - 1, pools: pools)
            XCTAssertEqual(short.cycleCount, 0, "a \(hops)-pool ring has no cycle of \(hops - 1) hops")
            XCTAssertTrue(short.scanAll(at: time).isEmpty)

            let full = engine(maxHops: 6, pools: pools)
            // Both directions around the ring from SOL (the reverse one cannot profit).
            XCTAssertEqual(full.cycleCountsByHops, [hops: 2])
            let found = full.scanAll(at: time)
            let o = try XCTUnwrap(found.first, "\(hops)-hop ring not reported")
            XCTAssertEqual(found.count, 1, "only the forward direction profits")
            XCTAssertEqual(o.route.count, hops)
            XCTAssertEqual(o.route.map(\.pool), pools.map(\.address))
            // Exact: every leg is the pool's own quote of the previous leg's output.
            var amount = o.inputAmount
            for (leg, pool) in zip(o.route, pools) {
                XCTAssertEqual(leg.inAmount, amount)
                amount = try pool.quote(amountIn: amount, inputMint: leg.inputMint, context: time.quoteContext).amountOut
                XCTAssertEqual(leg.outAmount, amount)
            }
            XCTAssertEqual(o.outputAmount, amount)
            XCTAssertEqual(o.profit, amount - o.inputAmount)
            // Incremental evaluation finds it from a change of any pool of the ring.
            XCTAssertEqual(full.changed(pools[2].address, at: time).first?.routeKey, o.routeKey)
        }
    }

    func testCycleCapLeavesOutTheLongestFirstAndSaysSo() {
        // Two rings sharing SOL: 3 hops and 6 hops. A cap of 2 cycles keeps the two 3-hop ones.
        let three = Self.ring(hops: 3, edgeBps: 100).map { p -> RingPool in
            var q = p; q.address = RingPool.key("three-\(p.address)")
            if q.mintA != KnownMints.wsol { q.mintA = RingPool.key("three-\(q.mintA)") }
            if q.mintB != KnownMints.wsol { q.mintB = RingPool.key("three-\(q.mintB)") }
            return q
        }
        let six = Self.ring(hops: 6, edgeBps: 100)
        let capped = ArbitrageEngine(config: ArbitrageConfig(maxHops: 6, maxAgeMs: .max / 2, maxCycles: 2))
        for p in three + six { capped.upsert(PoolSnapshot(model: p, status: .ok, slot: 1, updatedAtMs: 0)) }
        XCTAssertEqual(capped.cycleCountsByHops, [3: 2])
        XCTAssertTrue(capped.cyclesTruncated)
        let uncapped = ArbitrageEngine(config: ArbitrageConfig(maxHops: 6, maxAgeMs: .max / 2))
        for p in three + six { uncapped.upsert(PoolSnapshot(model: p, status: .ok, slot: 1, updatedAtMs: 0)) }
        XCTAssertEqual(uncapped.cycleCountsByHops, [3: 2, 6: 2])
        XCTAssertFalse(uncapped.cyclesTruncated)
    }

    func testMinimumROIIsExactAtTheThreshold() {
        func opp(profit: UInt64, input: UInt64) -> Opportunity {
            Opportunity(
                inputMint: KnownMints.wsol, inputAmount: input, outputAmount: input + profit, grossProfit: profit, txCost: 0,
                profit: profit, profitLamports: profit, route: [], slot: 1, detectedAtMs: 0, quoteCalls: 0)
        }
        let half = MinimumROI(percent: 0.5)
        XCTAssertTrue(half.admits(opp(profit: 5, input: 1_000)), "exactly 0.5 %")
        XCTAssertFalse(half.admits(opp(profit: 4_999_999, input: 1_000_000_000)), "0.4999999 %")
        // 0.3 is taken as 3/10, not as the double just below it: 3 on 1000 is exactly 0.3 %.
        XCTAssertTrue(MinimumROI(percent: 0.3).admits(opp(profit: 3, input: 1_000)))
        XCTAssertFalse(MinimumROI(percent: 0.3).admits(opp(profit: 2_999, input: 1_000_000)))
        XCTAssertTrue(MinimumROI(percent: 50).admits(opp(profit: 1, input: 2)))
        XCTAssertFalse(MinimumROI(percent: 50).admits(opp(profit: 49, input: 100)))
        XCTAssertTrue(MinimumROI(percent: 0).admits(opp(profit: 1, input: UInt64.max - 1)))
        XCTAssertTrue(MinimumROI(percent: 1e-5).admits(opp(profit: 1, input: 10_000_000)), "1e-05 % = 1 / 10^7")
        XCTAssertFalse(MinimumROI(percent: 1e-5).admits(opp(profit: 1, input: 10_000_001)))
        XCTAssertFalse(MinimumROI(percent: .nan).admits(opp(profit: 1, input: 2)), "a value that is not a number admits nothing")
    }
}

/// A constant-product pool with an input fee, for building mint graphs the bundled snapshots lack.
struct RingPool: PoolModel {
    static var dex: DexKind { .raydiumCpmm }
    static func isPool(_ account: AccountData) -> Bool { false }
    init(pool: AccountData) throws { throw QuoteError.invalidAccount(role: "pool", address: pool.address, reason: "test pool") }
    init(address: Pubkey, mintA: Pubkey, mintB: Pubkey, reserveA: UInt64, reserveB: UInt64, feeBps: UInt64) {
        self.address = address; self.mintA = mintA; self.mintB = mintB
        self.reserveA = reserveA; self.reserveB = reserveB; self.feeBps = feeBps
    }
    var address: Pubkey
    var mintA: Pubkey
    var mintB: Pubkey
    var reserveA: UInt64
    var reserveB: UInt64
    var feeBps: UInt64

    static func key(_ tag: String) -> Pubkey {
        var bytes = [UInt8](repeating: 0, count: 32)
        for (i, b) in tag.utf8.enumerated() { bytes[i % 32] = bytes[i % 32] &* 31 &+ b }
        bytes[31] = 1
        return Pubkey(bytes: bytes)!
    }

    func accountsToWatch() -> [Pubkey] { [] }
    mutating func apply(_ account: AccountData) throws -> Bool { false }
    func price(context: QuoteContext) throws -> PoolPrice {
        PoolPrice(
            mintA: mintA, mintB: mintB, decimalsA: 6, decimalsB: 6, reserveA: reserveA, reserveB: reserveB,
            priceBPerA: Ratio(reserveB, reserveA))
    }
    func quote(amountIn: UInt64, inputMint: Pubkey, context: QuoteContext) throws -> Quote {
        let aToB = try isAToB(inputMint)
        let (rin, rout) = aToB ? (reserveA, reserveB) : (reserveB, reserveA)
        let fee = (UInt128(amountIn) * UInt128(feeBps) + 9_999) / 10_000
        let net = UInt128(amountIn) - fee
        let out = UInt64(net * UInt128(rout) / (UInt128(rin) + net))
        return Quote(
            pool: address, dex: Self.dex, inputMint: inputMint, outputMint: aToB ? mintB : mintA, amountIn: amountIn,
            amountOut: out, feeAmount: UInt64(fee), feeMint: inputMint,
            priceBefore: Ratio(rout, rin), priceAfter: Ratio(rout - out, rin + UInt64(net)))
    }
}

/// What `max_hops = 6` costs on a dense mint graph: 3 hubs (SOL, USDC, USDT) and 30 tokens each
/// paired with every hub, all priced at parity. Prints cycle counts and times; the cycle cap
/// bounds the index.
final class LongCycleCostTests: XCTestCase {
    func testSixHopsOnADenseGraphStaysWithinTheCycleCap() {
        let hubs = [KnownMints.wsol, KnownMints.usdc, KnownMints.usdt]
        var pools: [RingPool] = []
        for (i, x) in hubs.enumerated() {
            for y in hubs[(i + 1)...] {
                pools.append(RingPool(address: RingPool.key("hub-\(x)-\(y)"), mintA: x, mintB: y, reserveA: 1 << 40, reserveB: 1 << 40, feeBps: 25))
            }
        }
        for t in 0..<30 {
            let token = RingPool.key("token-\(t)")
            for h in hubs {
                pools.append(
                    RingPool(address: RingPool.key("pool-\(t)-\(h)"), mintA: h, mintB: token, reserveA: 1 << 40, reserveB: 1 << 40, feeBps: 25))
            }
        }
        let time = ScanTime(unixMs: 0, slot: 1)
        let clock = ContinuousClock()
        for hops in [3, 4, 6] {
            let engine = ArbitrageEngine(config: ArbitrageConfig(maxHops: hops, txCostLamports: 0, maxAgeMs: .max / 2))
            for p in pools { engine.upsert(PoolSnapshot(model: p, status: .ok, slot: 1, updatedAtMs: 0)) }
            var counts: [Int: Int] = [:]
            let tIndex = clock.measure { counts = engine.cycleCountsByHops }
            var found: [Opportunity] = []
            let tScan = clock.measure { found = engine.scanAll(at: time) }
            let tChange = clock.measure { _ = engine.changed(pools[5].address, at: time) }
            FileHandle.standardError.write(
                Data(
                    ("LONG-CYCLE-COST pools=\(pools.count) maxHops=\(hops) cycles=\(counts.values.reduce(0, +)) "
                        + "byHops=\(counts.sorted { $0.key < $1.key }) truncated=\(engine.cyclesTruncated) index=\(tIndex) fullScan=\(tScan) "
                        + "changed=\(tChange) found=\(found.count)\n").utf8))
            XCTAssertLessThanOrEqual(counts.values.reduce(0, +), engine.config.maxCycles)
            XCTAssertTrue(found.isEmpty, "every pool at parity with a fee: nothing profits")
            XCTAssertEqual(counts.keys.max(), hops, "cycles of the full length are indexed")
            // 3 hubs × 30 tokens has more than 100,000 cycles of up to 6 hops: the cap applies, only there.
            XCTAssertEqual(engine.cyclesTruncated, hops == 6)
        }
    }
}
