import Arbitrage
import Simulator
import SolanaCore
import XCTest

/// The size search against an exhaustive scan of every integer, on exact constant-product round
/// trips (floor division, fee in bps) like the vault pools compute them.
final class SizeSearchTests: XCTestCase {
    /// out = floor(reserveOut·x·(10⁴−fee) / (reserveIn·10⁴ + x·(10⁴−fee))).
    static func cpOut(_ x: UInt64, _ rIn: UInt64, _ rOut: UInt64, feeBps: UInt64) -> UInt64 {
        let xf = UInt128(x) * UInt128(10_000 - feeBps)
        return UInt64(UInt128(rOut) * xf / (UInt128(rIn) * 10_000 + xf))
    }

    func testMatchesExhaustiveScanOnRandomRoundTrips() {
        var rng = SplitMix64(seed: 42)
        var profitable = 0
        for _ in 0..<40 {
            let r1 = 50_000 + rng.next() % 500_000, r2 = 50_000 + rng.next() % 500_000
            // Second pool mispriced by up to ±5 %.
            let skew = 9_500 + rng.next() % 1_000
            let r3 = r2, r4 = r1 * skew / 10_000
            let fee1 = rng.next() % 40, fee2 = rng.next() % 40
            let maxIn = 1 + rng.next() % 20_000
            func profit(_ x: UInt64) -> Int128 {
                let mid = Self.cpOut(x, r1, r2, feeBps: fee1)
                return Int128(Self.cpOut(mid, r3, r4, feeBps: fee2)) - Int128(x)
            }
            var best: Int128 = .min
            for x in 1...maxIn { best = max(best, profit(x)) }
            let found = SizeSearch.maximise(lo: 1, hi: maxIn, profit)
            XCTAssertEqual(found.profit, profit(found.size), "reported profit is the profit at the reported size")
            // Floor rounding makes the curve only approximately concave: allow 1 unit per hop.
            XCTAssertGreaterThanOrEqual(found.profit, best - 2, "r=\(r1),\(r2),\(r4) fee=\(fee1),\(fee2) max=\(maxIn)")
            if best > 0 { profitable += 1 }
            let log2 = Double(64 - UInt64(maxIn).leadingZeroBitCount)
            XCTAssertLessThanOrEqual(Double(found.evaluations), 1.45 * log2 + 28, "bounded number of quotes")
        }
        XCTAssertGreaterThan(profitable, 5, "the random cases include profitable round trips")
    }

    func testTinyRangesAreScannedExhaustively() {
        for hi in UInt64(1)...9 {
            let target = (hi + 1) / 2
            let r = SizeSearch.maximise(lo: 1, hi: hi) { x in -Int128(abs(Int64(x) - Int64(target))) }
            XCTAssertEqual(r.size, target)
        }
    }
}
