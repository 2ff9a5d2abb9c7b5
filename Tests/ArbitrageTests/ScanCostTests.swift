import Arbitrage
import Dex
import SolanaCore
import Simulator
import Foundation
import XCTest

/// Scan cost at 100 and 1,000 pools (cloned from the real snapshots by `PoolCloner`), with one pool
/// in ten pushed off its price so that there is something to find, at the default 3 hops and at the
/// original's 6. Prints the figures.
final class ScanCostTests: XCTestCase {
    func testScanCostAt100And1000Pools() throws {
        for (n, hops) in [(100, 3), (1_000, 3), (1_000, 6)] {
            let cluster = try Cluster.bundled(seed: 9, pools: n, swapsPerSlot: 0)
            var rng = SplitMix64(seed: UInt64(n))
            let pools = cluster.poolAddresses
            for p in pools where rng.next() % 10 == 0 {
                let m = cluster.model(p)!
                guard let price = try? m.price(context: ArbSupport.time(cluster).quoteContext), let r = price.reserveA, r > 10_000 else { continue }
                _ = try? cluster.swap(pool: p, inputMint: m.mintA, amountIn: r / 10_000 * (20 + rng.next() % 200))
            }
            let engine = ArbitrageEngine(config: ArbitrageConfig(maxHops: hops, maxResults: 1_000_000))
            let clock = ContinuousClock()
            let time = ArbSupport.time(cluster)
            let tUpsert = clock.measure { for p in pools { engine.upsert(ArbSupport.snapshot(cluster, p)) } }
            var full: [Opportunity] = []
            let tFull = clock.measure { full = engine.scanAll(at: time) }
            let fullQuotes = engine.lastQuoteCalls, fullCombos = engine.lastCombinationsSearched
            var incQuotes = 0, incCount = 0
            let sample = Array(pools.prefix(20))
            var foreign = 0
            let tInc = clock.measure {
                for p in sample {
                    let found = engine.changed(p, at: time)
                    incCount += found.count; incQuotes += engine.lastQuoteCalls
                    foreign += found.filter { !$0.route.contains { $0.pool == p } }.count
                }
            }
            let line =
                ("ARB-BENCH pools=\(engine.poolCount) maxHops=\(hops) cyclesByHops=\(engine.cycleCountsByHops.sorted { $0.key < $1.key }) mintCycles=\(engine.cycleCount) upsertAll=\(tUpsert) fullScan=\(tFull)"
                    + " fullQuotes=\(fullQuotes) combosSearched=\(fullCombos) found=\(full.count)"
                    + " incrementalAvg=\(tInc / sample.count) incQuotesAvg=\(incQuotes / sample.count)\n")
            FileHandle.standardError.write(Data(line.utf8))
            XCTAssertEqual(engine.poolCount, pools.count)
            XCTAssertFalse(full.isEmpty, "the mispriced clones produce opportunities")
            XCTAssertEqual(foreign, 0, "an incremental answer only holds cycles through the changed pool")
        }
    }
}
