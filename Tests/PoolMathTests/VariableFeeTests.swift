import PoolMath
import XCTest

/// The variable fee of the compounding DAMM v2 fixture pool HybT1fLH… (DexTests vectors
/// accounts/meteora-damm-v2/HybT….json: volatility_accumulator 700_000, bin_step 1,
/// variable_fee_control 956): ceil(700_000² · 956 / 1e11) = ceil(4_684.4), worked by hand.
final class VariableFeeTests: XCTestCase {
    func testFixturePool() {
        XCTAssertEqual(VariableFee.numerator(volatilityAccumulator: 700_000, binStep: 1, variableFeeControl: 956), 4_685)
        XCTAssertEqual(VariableFee.numerator(volatilityAccumulator: 700_000, binStep: 1, variableFeeControl: 0), 0)
        XCTAssertNil(VariableFee.numerator(volatilityAccumulator: UInt128.max, binStep: 2, variableFeeControl: 1))
    }
}
