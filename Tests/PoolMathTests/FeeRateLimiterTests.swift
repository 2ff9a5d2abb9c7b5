import PoolMath
import XCTest

/// The rate limiter against damm-v2's own vectors (programs/cp-amm/src/tests/test_rate_limiter.rs,
/// `test_rate_limiter_behavior` and `test_rate_limiter_base_fee_numerator`): 1 % cliff, +1 % per
/// 1 SOL reference slice, 50 % cap, 60 s window. The program's `to_bps` is numerator · 10⁴ / 1e9.
final class FeeRateLimiterTests: XCTestCase {
    let limiter = FeeRateLimiter(
        cliffFeeNumerator: 10_000_000, feeIncrementBps: 100, maxLimiterDuration: 60, maxFeeBps: 5_000,
        referenceAmount: 1_000_000_000)

    func bps(_ amount: UInt64) throws -> UInt64 {
        try limiter.feeNumerator(amount: amount, currentPoint: 0, activationPoint: 0, quoteIn: true) * 10_000 / 1_000_000_000
    }

    func testFeeGrowsWithTheAmount() throws {
        let x0: UInt64 = 1_000_000_000
        XCTAssertEqual(try bps(x0), 100)
        XCTAssertEqual(try bps(x0 * 3 / 2), 133)
        XCTAssertEqual(try bps(x0 * 2), 150)
        XCTAssertEqual(try bps(x0 * 3), 200)
        XCTAssertEqual(try bps(x0 * 4), 250)
        XCTAssertEqual(try bps(.max), 5_000)  // capped at max_fee_bps
    }

    func testOnlyQuoteInInsideTheWindow() throws {
        func fee(point: UInt64, quoteIn: Bool) throws -> UInt64 {
            try limiter.feeNumerator(amount: 2_000_000_000, currentPoint: point, activationPoint: 0, quoteIn: quoteIn)
        }
        XCTAssertEqual(try fee(point: 0, quoteIn: false), 10_000_000)  // base → quote: cliff
        XCTAssertEqual(try fee(point: 61, quoteIn: true), 10_000_000)  // past max_limiter_duration
        XCTAssertGreaterThan(try fee(point: 60, quoteIn: true), 10_000_000)  // last effective point
    }
}
