import Arbitrage
import PoolMath
import Simulator
import SolanaCore
import XCTest

final class RateBoundTests: XCTestCase {
    func testProductsRoundUpAndConversionsBracketTheExactValue() {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<500 {
            let n1 = 1 + rng.next() % 1_000_000_000_000, d1 = 1 + rng.next() % 1_000_000_000_000
            let n2 = 1 + rng.next() % 1_000_000, d2 = 1 + rng.next() % 1_000_000
            let a = RateBound.up(num: BigNat(n1), den: BigNat(d1)), b = RateBound.up(num: BigNat(n2), den: BigNat(d2))
            let p = RateBound.mulUp(a, b)
            // p / 2^64 ≥ n1·n2 / (d1·d2)  ⇔  p·d1·d2 ≥ n1·n2·2^64
            XCTAssertTrue(BigNat(p) * BigNat(d1) * BigNat(d2) >= BigNat(n1) * BigNat(n2) * BigNat(RateBound.one))
            let amount = rng.next() % 1_000_000_000_000
            let down = RateBound.down(num: BigNat(n1), den: BigNat(d1))
            let exactFloor = BigNat(amount) * BigNat(n1) / BigNat(d1)
            XCTAssertTrue(BigNat(RateBound.convertDown(amount, rate: down)) <= exactFloor)
            XCTAssertTrue(BigNat(RateBound.convertUp(amount, rate: a)) >= exactFloor)
        }
        XCTAssertEqual(RateBound.mulUp(RateBound.unbounded, RateBound.one * 2), RateBound.unbounded)
        XCTAssertEqual(RateBound.up(num: BigNat(1), den: BigNat(0)), RateBound.unbounded)
    }
}
