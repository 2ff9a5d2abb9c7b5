import PoolMath
import XCTest

/// Pure checks of the DLMM math port against properties fixed by the source
/// (dlmm-sdk `commons/src/math/u64x64_math.rs`, `extensions/lb_pair.rs`); the price/fee values
/// pinned by real pools are checked in `DexTests/MeteoraDlmmTests.swift`.
final class DlmmMathTests: XCTestCase {
    func testPowEdgeCases() {
        // exp == 0 → ONE; exponent ≥ MAX_EXPONENTIAL (0x80000) → None.
        XCTAssertEqual(DlmmMath.pow(12345, 0), DlmmMath.one)
        XCTAssertNil(DlmmMath.pow(DlmmMath.one + 1, 0x80000))
        XCTAssertNil(DlmmMath.pow(DlmmMath.one + 1, -0x80000))
        // price(0) = 1.0 exactly for any bin step.
        XCTAssertEqual(DlmmMath.priceFromId(0, binStep: 25), DlmmMath.one)
    }

    func testPriceIsMonotoneInBinId() throws {
        var prev: UInt128 = 0
        for id in stride(from: Int32(-3000), through: 3000, by: 7) {
            let p = try XCTUnwrap(DlmmMath.priceFromId(id, binStep: 10))
            XCTAssertGreaterThan(p, prev, "bin \(id)")
            prev = p
        }
    }

    func testFeeRates() throws {
        // base = base_factor * bin_step * 10 * 10^power; 10000 * 10 * 10 * 10 = 1e7 (1%).
        let r = try XCTUnwrap(
            DlmmFeeRate(
                baseFactor: 10000, binStep: 10, baseFeePowerFactor: 1,
                variableFeeControl: 0, volatilityAccumulator: 99999))
        XCTAssertEqual(r.totalRate, 10_000_000)
        XCTAssertEqual(r.feeFromAmount(1_000_000), 10_000)
        // compute_fee: ceil(990000 * 1e7 / (1e9 - 1e7)) = 10000.
        XCTAssertEqual(r.feeOnTop(990_000), 10_000)
        // Capped at MAX_FEE_RATE.
        let capped = try XCTUnwrap(
            DlmmFeeRate(
                baseFactor: 60000, binStep: 400, baseFeePowerFactor: 0,
                variableFeeControl: 1_000_000, volatilityAccumulator: 300_000))
        XCTAssertEqual(capped.totalRate, DlmmFeeRate.maxFeeRate)
        XCTAssertNil(DlmmFeeRate(baseFactor: 1, binStep: 1, baseFeePowerFactor: 60, variableFeeControl: 0, volatilityAccumulator: 0))
    }
}
