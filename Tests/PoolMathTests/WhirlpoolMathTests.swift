import PoolMath
import XCTest

/// Orca tick math against the program's own constants (tick_math.rs: MIN/MAX_SQRT_PRICE_X64 are
/// defined as the sqrt prices of MIN/MAX_TICK_INDEX; tick 0 is exactly 1.0 in Q64.64).
final class WhirlpoolMathTests: XCTestCase {
    func testSqrtPriceAtBoundsMatchesProgramConstants() {
        XCTAssertEqual(WhirlpoolMath.sqrtPrice(atTick: WhirlpoolMath.maxTick), 79_226_673_515_401_279_992_447_579_055)
        XCTAssertEqual(WhirlpoolMath.sqrtPrice(atTick: WhirlpoolMath.minTick), 4_295_048_016)
        XCTAssertEqual(WhirlpoolMath.sqrtPrice(atTick: 0), UInt128(1) << 64)
    }

    /// tick_index_from_sqrt_price(sqrt_price_from_tick_index(t)) == t, and a price one unit
    /// below a tick's price belongs to the tick below (the program's own round-trip tests).
    func testTickRoundTrip() {
        var t = WhirlpoolMath.minTick
        while t <= WhirlpoolMath.maxTick {
            let sp = WhirlpoolMath.sqrtPrice(atTick: t)
            XCTAssertEqual(WhirlpoolMath.tickIndex(fromSqrtPrice: sp), t)
            if t > WhirlpoolMath.minTick { XCTAssertEqual(WhirlpoolMath.tickIndex(fromSqrtPrice: sp - 1), t - 1) }
            t += 997
        }
    }

    func testSqrtPriceIsStrictlyIncreasing() {
        var prev = WhirlpoolMath.sqrtPrice(atTick: -30000)
        for t in -29999...(-20000) {
            let sp = WhirlpoolMath.sqrtPrice(atTick: t)
            XCTAssertGreaterThan(sp, prev)
            prev = sp
        }
    }
}
