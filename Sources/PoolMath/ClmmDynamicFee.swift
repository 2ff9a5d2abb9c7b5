// The volatility-based dynamic fee of a concentrated-liquidity pool, from raydium-io/raydium-clmm
// @03b44b7f programs/amm/src/states/pool_fee.rs (`DynamicFeeInfo::update_volatility_accumulator`,
// `update_reference`, the constants) and instructions/swap.rs (`SwapState::compute_dynamic_fee_rate`,
// the total rate capped at `MAX_FEE_RATE_NUMERATOR`). Plain integers in, plain integers out; the account
// that holds these parameters is decoded in Dex.

/// Dynamic-fee arithmetic: the volatility accumulator grows with the distance (in tick-spacing
/// groups) from the reference index, the reference decays with time, and the fee rate grows with
/// the square of the accumulated volatility.
///
/// ```swift
/// let acc = ClmmDynamicFee.volatilityAccumulator(
///     reference: 0, indexReference: 10, spacingIndex: 7, max: 350_000)   // 30_000
/// let rate = ClmmDynamicFee.rate(volatilityAccumulator: acc, tickSpacing: 1, control: 50_000)
/// ```
public enum ClmmDynamicFee {
    /// `VOLATILITY_ACCUMULATOR_SCALE` (pool_fee.rs): one spacing group of movement.
    public static let volatilityScale: UInt64 = 10_000
    /// `REDUCTION_FACTOR_DENOMINATOR` (pool_fee.rs).
    public static let reductionDenominator: UInt64 = 10_000
    /// `MAX_FEE_RATE_NUMERATOR` (pool_fee.rs): 10 % in 1e6 units.
    public static let maxFeeRate: UInt32 = 100_000
    /// `DYNAMIC_FEE_CONTROL_DENOMINATOR` × `VOLATILITY_ACCUMULATOR_SCALE`² (pool_fee.rs).
    @usableFromInline static let rateDenominator: UInt128 = 100_000 * 10_000 * 10_000

    /// `update_volatility_accumulator`: reference + |index_reference − spacing_index| · 10_000,
    /// capped at `max` (also when the product or sum would overflow u64, which the program's
    /// i32 index delta cannot reach).
    @inlinable
    public static func volatilityAccumulator(reference: UInt32, indexReference: Int32, spacingIndex: Int64, max: UInt32) -> UInt32 {
        let delta = UInt64((Int64(indexReference) - spacingIndex).magnitude)
        let (prod, o1) = delta.multipliedReportingOverflow(by: volatilityScale)
        let (acc, o2) = UInt64(reference).addingReportingOverflow(prod)
        return (o1 || o2) ? max : UInt32(Swift.min(acc, UInt64(max)))
    }

    /// `update_reference`: the new volatility reference, or nil inside the filter period (nothing
    /// changes). Inside the decay period the accumulator decays by `reduction_factor / 10_000`;
    /// after it the reference resets to 0. A clock behind the last update counts as no time elapsed.
    @inlinable
    public static func volatilityReference(
        now: UInt64, lastUpdate: UInt64, filterPeriod: UInt16, decayPeriod: UInt16,
        reductionFactor: UInt16, volatilityAccumulator: UInt32
    ) -> UInt32? {
        let elapsed = now >= lastUpdate ? now - lastUpdate : 0
        if elapsed < UInt64(filterPeriod) { return nil }
        guard elapsed < UInt64(decayPeriod) else { return 0 }
        return UInt32(truncatingIfNeeded: UInt64(volatilityAccumulator) * UInt64(reductionFactor) / reductionDenominator)
    }

    /// `SwapState::compute_dynamic_fee_rate`: ceil(control · (acc · tick_spacing)² / (1e5 · 1e4 · 1e4)),
    /// capped at 100_000; nil when acc · tick_spacing overflows u32 (the program's checked_mul).
    @inlinable
    public static func rate(volatilityAccumulator: UInt32, tickSpacing: UInt16, control: UInt32) -> UInt32? {
        let (crossed, o) = volatilityAccumulator.multipliedReportingOverflow(by: UInt32(tickSpacing))
        guard !o else { return nil }
        let squared = UInt128(crossed) * UInt128(crossed)
        let rate = (UInt128(control) * squared + rateDenominator - 1) / rateDenominator
        return rate > UInt128(maxFeeRate) ? maxFeeRate : UInt32(rate)
    }

    /// swap.rs total fee rate: trade_fee_rate + dynamic rate, capped at 100_000; nil on u32 overflow.
    @inlinable
    public static func totalRate(tradeFeeRate: UInt32, dynamicRate: UInt32) -> UInt32? {
        let (sum, o) = tradeFeeRate.addingReportingOverflow(dynamicRate)
        return o ? nil : Swift.min(sum, maxFeeRate)
    }
}
