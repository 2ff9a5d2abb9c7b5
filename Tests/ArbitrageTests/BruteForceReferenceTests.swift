import Arbitrage
import Dex
import PoolMath
import SolanaCore
import Simulator
import XCTest

/// The engine against a brute-force reference on random graphs of real pools whose prices were
/// moved by exact simulated swaps: the reference enumerates every pool sequence directly and scans
/// sizes on a dense grid (linear plus 1-2-5 log steps); both sides price with the same exact models.
final class BruteForceReferenceTests: XCTestCase {
    struct RefCycle { var start: Pubkey; var pools: [Int]; var bestSize: UInt64; var bestProfit: Int128 }

    /// Every cycle of distinct pools from `start` with distinct intermediate mints, 2…maxHops hops.
    static func referenceCycles(_ models: [any PoolModel], start: Pubkey, maxHops: Int) -> [[Int]] {
        var out: [[Int]] = []
        func walk(_ mint: Pubkey, _ seq: [Int], _ seen: Set<Pubkey>) {
            for (i, m) in models.enumerated() where !seq.contains(i) && (m.mintA == mint || m.mintB == mint) {
                let next = ArbSupport.other(m, mint)
                if next == start {
                    if seq.count + 1 >= 2 { out.append(seq + [i]) }
                } else if seq.count + 1 < maxHops && !seen.contains(next) {
                    walk(next, seq + [i], seen.union([next]))
                }
            }
        }
        walk(start, [], [start])
        return out
    }

    static func grid(max maxIn: UInt64, points: UInt64) -> [UInt64] {
        var xs = Set<UInt64>()
        if maxIn <= points { return Array(1...maxIn) }
        for j in 0...points { xs.insert(1 + UInt64(UInt128(maxIn - 1) * UInt128(j) / UInt128(points))) }
        var p: UInt64 = 1
        while p <= maxIn { for m: UInt64 in [1, 2, 5] where p * m <= maxIn { xs.insert(p * m) }; if p > maxIn / 10 { break }; p *= 10 }
        return xs.sorted()
    }

    func testFindsTheSameCyclesAndSizesAsBruteForce() throws {
        var totalProfitable = 0
        for seed: UInt64 in [3, 17, 23, 41, 59] {
            let cluster = try ArbSupport.quietCluster(seed: seed)
            var rng = SplitMix64(seed: seed)
            let all = cluster.poolAddresses
            // Perturb prices with exact swaps of 0.02 %…1 % of the input-side reserve (price moves of
            // about 0.04 %…2 %, comparable to the fees, so some cycles are marginal).
            for p in all where rng.next() % 3 != 0 {
                let m = cluster.model(p)!
                guard let price = try? m.price(context: ArbSupport.time(cluster).quoteContext) else { continue }
                let aToB = rng.next() & 1 == 0
                let reserve = (aToB ? price.reserveA : price.reserveB) ?? 0
                guard reserve > 10_000 else { continue }
                _ = try? cluster.swap(pool: p, inputMint: aToB ? m.mintA : m.mintB, amountIn: reserve / 100_000 * (20 + rng.next() % 980))
            }
            // A random half of the pools forms the graph.
            let chosen = all.filter { _ in rng.next() % 2 == 0 }
            let models = chosen.map { cluster.model($0)! }
            let time = ArbSupport.time(cluster)
            let context = time.quoteContext
            var config = ArbitrageConfig(
                maxHops: 3, txCostLamports: 0, maxAgeMs: .max / 2, maxResults: 1_000_000,
                maxSearchesPerCycle: .max)
            config.maxInput = [KnownMints.wsol: 20_000_000_000, KnownMints.usdc: 2_000_000_000, KnownMints.usdt: 2_000_000_000]
            let engine = ArbitrageEngine(config: config)
            for p in chosen { engine.upsert(ArbSupport.snapshot(cluster, p)) }
            let found = engine.scanAll(at: time)
            let byKey = Dictionary(found.map { ($0.routeKey, $0) }, uniquingKeysWith: { a, _ in a })

            // Every reported opportunity replays exactly and is locally optimal.
            for o in found {
                let ms = o.route.map { cluster.model($0.pool)! }
                let out = ArbSupport.replay(ms, start: o.inputMint, amount: o.inputAmount, context: context)
                XCTAssertEqual(out, o.outputAmount, "replay of \(o.routeKey)")
                XCTAssertEqual(Int128(o.outputAmount) - Int128(o.inputAmount), Int128(o.profit))
                var d: UInt64 = 1
                while d < o.inputAmount {
                    for x in [o.inputAmount - d, o.inputAmount + d] where x >= 1 && x <= config.maxInput[o.inputMint]! {
                        XCTAssertLessThanOrEqual(
                            ArbSupport.profit(ms, start: o.inputMint, amount: x, context: context),
                            Int128(o.profit) + 2, "size \(x) beats \(o.inputAmount) on \(o.routeKey)")
                    }
                    d *= 10
                }
            }
            // Every cycle the reference finds profitable is found, at least as profitable.
            for start in config.startMints {
                let maxIn = config.maxInput[start]!
                let xs = Self.grid(max: maxIn, points: 300)
                var refBest: Int128 = 0, refBestKey: [Pubkey] = []
                for cycle in Self.referenceCycles(models, start: start, maxHops: 3) {
                    let ms = cycle.map { models[$0] }
                    var best: Int128 = .min
                    for x in xs { best = max(best, ArbSupport.profit(ms, start: start, amount: x, context: context)) }
                    let key = [start] + cycle.map { chosen[$0] }
                    guard best > 2 else { continue }
                    totalProfitable += 1
                    guard let o = byKey[key] else { XCTFail("engine missed \(key) (reference profit \(best))"); continue }
                    XCTAssertGreaterThanOrEqual(Int128(o.profit), best - 2, "\(key)")
                    if best > refBest { refBest = best; refBestKey = key }
                }
                // The best cycle per start mint agrees (ties within the rounding tolerance allowed).
                let engineBest = found.filter { $0.inputMint == start }.map { Int128($0.profit) }.max() ?? 0
                XCTAssertGreaterThanOrEqual(engineBest, refBest - 2, "best from \(KnownMints.symbol(start)): \(refBestKey)")
            }
        }
        XCTAssertGreaterThan(totalProfitable, 3, "the perturbed graphs contain profitable cycles")
    }
}
