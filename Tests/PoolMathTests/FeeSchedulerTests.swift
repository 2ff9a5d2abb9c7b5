import PoolMath
import XCTest

/// `get_fee_in_period` against damm-v2's own property (programs/cp-amm/src/tests/fee_scheduler_tests.rs
/// `fee_scheduler_exponential`: a reduction factor of 0 keeps the cliff fee for every period) and the
/// fee_math.rs `pow` bounds; scheduled fees on a real pool are pinned in DexTests/MeteoraDammV2FeeTests.
final class FeeSchedulerTests: XCTestCase {
    func testZeroReductionKeepsTheCliffFee() throws {
        for period: UInt64 in [1, 2, 7, 1_000, UInt64(UInt16.max)] {
            XCTAssertEqual(try FeeScheduler.feeInPeriod(cliff: 100_000, reduction: 0, period: period, exponential: true), 100_000)
        }
    }

    func testPowBounds() {
        // pow: exponent 0 → ONE; an exponent of 2^19 or more → None.
        XCTAssertEqual(FeeScheduler.powQ64(12_345, 0), 1 << 64)
        XCTAssertNil(FeeScheduler.powQ64(1 << 63, 0x80000))
    }
}
