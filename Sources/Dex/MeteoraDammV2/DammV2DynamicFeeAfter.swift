import PoolMath

/// DAMM v2 `DynamicFeeStruct` variables after a swap (cp-amm state/fee.rs @a3d3827f): the swap
/// first runs `update_references(sqrt_price, now)`, then `update_volatility_accumulator(new
/// sqrt_price)`, and stamps `last_update_timestamp` only when the price moved by at least one bin
/// (state/pool.rs `update_post_swap`). Offsets in the pool: last_update_timestamp @80,
/// sqrt_price_reference @104, volatility_accumulator @120, volatility_reference @136.
public struct DammV2DynamicFeeAfter: Sendable, Equatable {
    public var lastUpdateTimestamp: UInt64
    public var sqrtPriceReference: UInt128
    public var volatilityAccumulator: UInt128
    public var volatilityReference: UInt128

    static let basisPointMax: UInt128 = 10_000

    /// `get_delta_bin_id`: ((upper << 64) / lower − 1.0 in Q64) / bin_step_u128, times 2.
    static func deltaBinId(binStepU128: UInt128, _ a: UInt128, _ b: UInt128) -> UInt128? {
        let (upper, lower) = a > b ? (a, b) : (b, a)
        guard lower > 0, binStepU128 > 0 else { return nil }
        guard let ratio = (UInt256(upper) << 64).quotientAndRemainder(dividingBy: UInt256(lower))?.quotient.asUInt128,
            ratio >= UInt128(1) << 64
        else { return nil }
        let (twice, o) = ((ratio - (UInt128(1) << 64)) / binStepU128).multipliedReportingOverflow(by: 2)
        return o ? nil : twice
    }

    /// The variables the program leaves after moving the price from `old` to `new` at `now`.
    static func after(_ d: MeteoraDammV2PoolState.DynamicFee, oldSqrtPrice old: UInt128, newSqrtPrice new: UInt128, now: UInt64) -> Self? {
        var reference = d.sqrtPriceReference, volatilityReference = d.volatilityReference
        let elapsed = now >= d.lastUpdateTimestamp ? now - d.lastUpdateTimestamp : 0  // saturating_sub
        if elapsed >= UInt64(d.filterPeriod) {
            reference = old
            if elapsed < UInt64(d.decayPeriod) {
                let (m, o) = d.volatilityAccumulator.multipliedReportingOverflow(by: UInt128(d.reductionFactor))
                guard !o else { return nil }
                volatilityReference = m / basisPointMax
            } else {
                volatilityReference = 0
            }
        }
        guard let delta = deltaBinId(binStepU128: d.binStepU128, new, reference),
            let moved = deltaBinId(binStepU128: d.binStepU128, old, new)
        else { return nil }
        let (scaled, o1) = delta.multipliedReportingOverflow(by: basisPointMax)
        let (sum, o2) = volatilityReference.addingReportingOverflow(scaled)
        guard !o1, !o2 else { return nil }
        return Self(
            lastUpdateTimestamp: moved > 0 ? now : d.lastUpdateTimestamp, sqrtPriceReference: reference,
            volatilityAccumulator: min(sum, UInt128(d.maxVolatilityAccumulator)), volatilityReference: volatilityReference)
    }

    /// compounding_liquidity.rs `get_sqrt_price_from_amounts`: floor(√((b << 128) / a)).
    static func compoundingSqrtPrice(tokenA: UInt64, tokenB: UInt64) -> UInt128? {
        guard tokenA > 0, let q = (UInt256(UInt128(tokenB)) << 128).quotientAndRemainder(dividingBy: UInt256(UInt128(tokenA))) else { return nil }
        return q.quotient.squareRoot.asUInt128
    }
}
