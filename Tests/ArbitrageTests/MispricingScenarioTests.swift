import Arbitrage
import Dex
import PoolMath
import SolanaCore
import Simulator
import XCTest

/// A known mispricing between two real SOL/USDC pools (Raydium AMM v4 and Raydium CPMM), made by an
/// exact simulated swap: the engine reports it from the change event of that slot with the exact
/// profit the quoters give, and stops reporting it once the cycle has been traded.
final class MispricingScenarioTests: XCTestCase {
    let ammV4 = Pubkey("58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2")
    let cpmm = Pubkey("7JuwJuNU88gurFnyWeiyGKbFmExMWcmRZntn9imEzdny")

    func testReportsMispricingWithinOneSlotAndStopsAfterArbitrage() throws {
        let cluster = try ArbSupport.quietCluster()
        let engine = ArbitrageEngine(config: ArbitrageConfig())
        for p in cluster.poolAddresses { engine.upsert(ArbSupport.snapshot(cluster, p)) }
        let before = engine.scanAll(at: ArbSupport.time(cluster))
        let sol = KnownMints.wsol
        func involvesBoth(_ o: Opportunity) -> Bool { Set(o.route.map(\.pool)) == [ammV4, cpmm] }
        let baseline = before.filter(involvesBoth)

        // Dump 3 % of the AMM v4 SOL reserve into it: SOL is now cheap there and dear on CPMM.
        let price = try cluster.model(ammV4)!.price(context: ArbSupport.time(cluster).quoteContext)
        let dump = try cluster.swap(pool: ammV4, inputMint: sol, amountIn: price.reserveA! / 100 * 3)
        engine.upsert(ArbSupport.snapshot(cluster, ammV4))
        let time = ArbSupport.time(cluster)
        XCTAssertEqual(time.slot, dump.slot)
        let found = engine.changed(ammV4, at: time)
        // SOL → USDC on CPMM (dear SOL), USDC → SOL on AMM v4 (cheap SOL).
        let expectedRoute = [sol, cpmm, ammV4]
        guard let o = found.first(where: { $0.routeKey == expectedRoute }) else {
            return XCTFail("mispricing not reported; found \(found.map(\.routeKey)), baseline \(baseline.count)")
        }
        XCTAssertEqual(o.slot, dump.slot, "reported in the slot of the change")
        // Exact profit as the two quoters give it, at the reported size (independent replay).
        let models = [cluster.model(cpmm)!, cluster.model(ammV4)!]
        let out = try XCTUnwrap(ArbSupport.replay(models, start: sol, amount: o.inputAmount, context: time.quoteContext))
        XCTAssertEqual(out, o.outputAmount)
        XCTAssertEqual(o.txCost, ArbitrageConfig().txCostLamports, "SOL start: cost in lamports 1:1")
        XCTAssertEqual(UInt64(Int128(out) - Int128(o.inputAmount)) - o.txCost, o.profit)
        XCTAssertGreaterThan(o.profit, 0)
        let maxIn = ArbitrageConfig().maxInput[sol]!
        for d: UInt64 in [1, 1_000, 1_000_000, 100_000_000] {
            if o.inputAmount + d <= maxIn {
                XCTAssertLessThanOrEqual(
                    ArbSupport.profit(models, start: sol, amount: o.inputAmount + d, context: time.quoteContext),
                    Int128(o.grossProfit) + 2)
            }
            if o.inputAmount > d {
                XCTAssertLessThanOrEqual(
                    ArbSupport.profit(models, start: sol, amount: o.inputAmount - d, context: time.quoteContext),
                    Int128(o.grossProfit) + 2)
            }
        }
        // The engine's quotes agree with what the cluster then executes.
        let leg1 = try cluster.swap(pool: cpmm, inputMint: sol, amountIn: o.inputAmount)
        XCTAssertEqual(leg1.quote.amountOut, o.route[0].outAmount)
        engine.upsert(ArbSupport.snapshot(cluster, cpmm))
        _ = engine.changed(cpmm, at: ArbSupport.time(cluster))
        let leg2 = try cluster.swap(pool: ammV4, inputMint: KnownMints.usdc, amountIn: leg1.quote.amountOut)
        XCTAssertEqual(leg2.quote.amountOut, o.outputAmount, "same slot-independent result as quoted")
        engine.upsert(ArbSupport.snapshot(cluster, ammV4))
        let after = engine.changed(ammV4, at: ArbSupport.time(cluster))
        XCTAssertNil(after.first { $0.routeKey == expectedRoute }, "arbitraged away: \(after.map { ($0.routeKey, $0.profit) })")
        let full = engine.scanAll(at: ArbSupport.time(cluster))
        XCTAssertNil(full.first { $0.routeKey == expectedRoute })
    }
}
