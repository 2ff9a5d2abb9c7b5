import PoolMath
import XCTest

/// Raydium CLMM tick math against the program's own constants and invariants
/// (raydium-clmm libraries/tick_math.rs: MIN/MAX_SQRT_PRICE_X64 "= get_sqrt_price_at_tick(MIN/MAX_TICK)",
/// get_tick_at_sqrt_price = greatest tick with sqrt_price_at_tick(tick) <= price).
final class ClmmMathTests: XCTestCase {
    func testTickMathEndpoints() throws {
        XCTAssertEqual(try ClmmMath.sqrtPriceAtTick(ClmmMath.minTick), ClmmMath.minSqrtPrice)
        XCTAssertEqual(try ClmmMath.sqrtPriceAtTick(ClmmMath.maxTick), ClmmMath.maxSqrtPrice)
        XCTAssertEqual(try ClmmMath.sqrtPriceAtTick(0), UInt128(1) << 64)
        XCTAssertEqual(try ClmmMath.tickAtSqrtPrice(ClmmMath.minSqrtPrice), ClmmMath.minTick)
        XCTAssertEqual(try ClmmMath.tickAtSqrtPrice(ClmmMath.maxSqrtPrice - 1), ClmmMath.maxTick - 1)
        XCTAssertThrowsError(try ClmmMath.sqrtPriceAtTick(ClmmMath.maxTick + 1))
        XCTAssertThrowsError(try ClmmMath.sqrtPriceAtTick(ClmmMath.minTick - 1))
        XCTAssertThrowsError(try ClmmMath.tickAtSqrtPrice(ClmmMath.maxSqrtPrice))
        XCTAssertThrowsError(try ClmmMath.tickAtSqrtPrice(ClmmMath.minSqrtPrice - 1))
    }

    func testTickRoundTripAndMonotonicity() throws {
        var ticks: [Int32] = Array(-600...600) + [ClmmMath.minTick + 1, ClmmMath.maxTick - 1, -25038, 71168, 4296]
        var t: Int32 = ClmmMath.minTick + 1
        while t < ClmmMath.maxTick { ticks.append(t); t += 977 }
        for tick in ticks {
            let sp = try ClmmMath.sqrtPriceAtTick(tick)
            XCTAssertEqual(try ClmmMath.tickAtSqrtPrice(sp), tick)
            XCTAssertEqual(try ClmmMath.tickAtSqrtPrice(sp - 1), tick - 1)
            XCTAssertLessThan(sp, try ClmmMath.sqrtPriceAtTick(tick + 1))
        }
    }

    func testDeltaAmountsRounding() throws {
        // Input rounds up, output rounds down: in ≥ out on the same leg, and they differ by at most 1.
        let a = try ClmmMath.sqrtPriceAtTick(-25040), b = try ClmmMath.sqrtPriceAtTick(-25038)
        for l: UInt128 in [1, 1_000, 109_600_928_560_850, UInt128(UInt64.max)] {
            let z = try ClmmMath.deltaAmountsForSwap(a, b, liquidity: l, zeroForOne: true)  // in token0, out token1
            let o = try ClmmMath.deltaAmountsForSwap(a, b, liquidity: l, zeroForOne: false)  // in token1, out token0
            XCTAssertTrue(z.amountIn >= o.amountOut && z.amountIn - o.amountOut <= 1)
            XCTAssertTrue(o.amountIn >= z.amountOut && o.amountIn - z.amountOut <= 1)
        }
        XCTAssertThrowsError(
            try ClmmMath.deltaAmountsForSwap(
                ClmmMath.minSqrtPrice, ClmmMath.maxSqrtPrice,
                liquidity: UInt128.max, zeroForOne: true)
        ) {
            XCTAssertEqual($0 as? ClmmMath.MathError, .maxTokenOverflow)
        }
    }
}
