import Arbitrage
import Dex
import Foundation
import PoolMath
import SolanaCore
import Simulator
import XCTest
import Server

final class EngineBehaviourTests: XCTestCase {
    let ammV4 = Pubkey("58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2")
    let cpmm = Pubkey("7JuwJuNU88gurFnyWeiyGKbFmExMWcmRZntn9imEzdny")

    /// A cluster where the AMM v4 SOL/USDC pool has been pushed 3 % off.
    func mispriced() throws -> Cluster {
        let cluster = try ArbSupport.quietCluster()
        let price = try cluster.model(ammV4)!.price(context: ArbSupport.time(cluster).quoteContext)
        _ = try cluster.swap(pool: ammV4, inputMint: KnownMints.wsol, amountIn: price.reserveA! / 100 * 3)
        return cluster
    }

    func testIncrementalEqualsFullScanRestrictedToThePool() throws {
        let cluster = try mispriced()
        let engine = ArbitrageEngine(config: ArbitrageConfig(maxResults: 1_000_000, maxSearchesPerCycle: .max, maxSearchesPerChange: .max))
        for p in cluster.poolAddresses { engine.upsert(ArbSupport.snapshot(cluster, p)) }
        let time = ArbSupport.time(cluster)
        let incremental = engine.changed(ammV4, at: time)
        let full = engine.scanAll(at: time).filter { $0.route.contains { $0.pool == ammV4 } }
        XCTAssertFalse(incremental.isEmpty)
        XCTAssertEqual(incremental.map(\.routeKey), full.map(\.routeKey))
        XCTAssertEqual(incremental.map(\.profit), full.map(\.profit))
        XCTAssertEqual(incremental.map(\.inputAmount), full.map(\.inputAmount))
    }

    func testFreshnessStatusAndSlotSpread() throws {
        let cluster = try mispriced()
        let time = ArbSupport.time(cluster)
        func run(_ edit: (inout PoolSnapshot) -> Void, config: ArbitrageConfig = ArbitrageConfig()) -> [Opportunity] {
            let engine = ArbitrageEngine(config: config)
            for p in cluster.poolAddresses {
                var s = ArbSupport.snapshot(cluster, p)
                if p == ammV4 { edit(&s) }
                engine.upsert(s)
            }
            return engine.scanAll(at: time).filter { $0.route.contains { $0.pool == ammV4 } }
        }
        XCTAssertFalse(run { _ in }.isEmpty)
        XCTAssertTrue(run { $0.status = .stale }.isEmpty, "status not ok")
        XCTAssertTrue(run { $0.updatedAtMs -= 61_000 }.isEmpty, "older than maxAgeMs")
        XCTAssertTrue(run { $0.slot -= 151 }.isEmpty, "slots too far apart")
        XCTAssertFalse(run { $0.slot -= 150 }.isEmpty, "spread at the limit is accepted")
    }

    func testOutlierFlagAgainstPairMedian() throws {
        let cluster = try mispriced()
        let engine = ArbitrageEngine(config: ArbitrageConfig(outlierThresholdBps: 300))
        for p in cluster.poolAddresses { engine.upsert(ArbSupport.snapshot(cluster, p)) }
        XCTAssertEqual(engine.priceStatus(cpmm), .ok)
        // 3 % of the SOL reserve moves the constant-product price by about 6 %: beyond 3 %.
        XCTAssertEqual(engine.priceStatus(ammV4), .outlier)
        let lenient = ArbitrageEngine(config: ArbitrageConfig(outlierThresholdBps: 1_000))
        for p in cluster.poolAddresses { lenient.upsert(ArbSupport.snapshot(cluster, p)) }
        XCTAssertEqual(lenient.priceStatus(ammV4), .ok)
        XCTAssertEqual(lenient.priceStatus(Pubkey.zero), .unknown)
    }

    func testTxCostIsConvertedAtTheCachesOwnSolPrice() throws {
        let cluster = try mispriced()
        let config = ArbitrageConfig(txCostLamports: 1_000_000_000, maxResults: 1_000_000)  // 1 SOL, to make it visible
        let engine = ArbitrageEngine(config: config)
        for p in cluster.poolAddresses { engine.upsert(ArbSupport.snapshot(cluster, p)) }
        let time = ArbSupport.time(cluster)
        let found = engine.scanAll(at: time)
        // USDC-start costs lie within the range of the SOL/USDC pools' own prices.
        var prices: [Ratio] = []
        for p in cluster.poolAddresses {
            let m = cluster.model(p)!
            guard Set([m.mintA, m.mintB]) == [KnownMints.wsol, KnownMints.usdc], let pr = try? m.price(context: time.quoteContext) else { continue }
            prices.append(m.mintA == KnownMints.wsol ? pr.priceBPerA : pr.priceBPerA.inverted)
        }
        let lo = prices.min { $0.num * $1.den < $1.num * $0.den }!, hi = prices.max { $0.num * $1.den < $1.num * $0.den }!
        for o in found {
            XCTAssertEqual(o.grossProfit - o.txCost, o.profit)
            if o.inputMint == KnownMints.wsol { XCTAssertEqual(o.txCost, 1_000_000_000) }
            if o.inputMint == KnownMints.usdc {
                // 1 SOL in USDC base units: price (USDC per SOL) × 10^6.
                XCTAssertTrue(BigNat(o.txCost) * lo.den >= lo.num * BigNat(1_000_000), "\(o.txCost) below \(lo)")
                XCTAssertTrue(BigNat(o.txCost) * hi.den <= hi.num * BigNat(1_000_000) + hi.den, "\(o.txCost) above \(hi)")
            }
        }
    }

    func testJSONShapesAmountsAsStrings() throws {
        let cluster = try mispriced()
        let engine = ArbitrageEngine(config: ArbitrageConfig())
        for p in cluster.poolAddresses { engine.upsert(ArbSupport.snapshot(cluster, p)) }
        let time = ArbSupport.time(cluster)
        let o = try XCTUnwrap(engine.changed(ammV4, at: time).first { $0.route.count == 2 })
        let obj = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(OpportunityJSON.bot(o).rendered.utf8)) as? [String: Any])
        XCTAssertEqual(obj["inputAmount"] as? String, String(o.inputAmount))
        XCTAssertEqual(obj["outputAmount"] as? String, String(o.outputAmount))
        XCTAssertEqual(obj["profit"] as? String, String(o.profit))
        XCTAssertEqual(obj["inputMint"] as? String, o.inputMint.base58)
        XCTAssertNotNil(obj["roi"] as? NSNumber)
        let route = try XCTUnwrap(obj["route"] as? [[String: Any]])
        XCTAssertEqual(route.count, 2)
        XCTAssertEqual(route[0]["inAmount"] as? String, String(o.inputAmount))
        XCTAssertEqual(route[1]["outAmount"] as? String, String(o.outputAmount))
        XCTAssertEqual(route[0]["outAmount"] as? String, route[1]["inAmount"] as? String)
        let legacy = OpportunityJSON.legacy(try XCTUnwrap(o.pairGap(nowMs: time.unixMs + 250)))
        let l = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(legacy.rendered.utf8)) as? [String: Any])
        for key in [
            "pool_a_id", "pool_a_dex", "pool_a_price", "pool_b_id", "pool_b_dex", "pool_b_price", "pair",
            "price_diff_pct", "estimated_profit_pct", "age_ms",
        ] { XCTAssertNotNil(l[key], key) }
        XCTAssertEqual(l["pair"] as? String, "SOL/USDC")
        XCTAssertEqual((l["age_ms"] as? NSNumber)?.intValue, 250)
        // Net profit percentage never exceeds the raw price gap (fees and impact only take away).
        let diff = try XCTUnwrap(l["price_diff_pct"] as? NSNumber).decimalValue
        let est = try XCTUnwrap(l["estimated_profit_pct"] as? NSNumber).decimalValue
        XCTAssertGreaterThan(est, 0)
        XCTAssertLessThan(est, diff)
    }
}
