import Foundation
import PoolMath
import SolanaCore

// Raydium CLMM (CAMMCzo5…): account decoders and the exact-in quoting model.
// Source of truth: raydium-io/raydium-clmm @03b44b7f, programs/amm/src/
//   states/{pool.rs, config.rs, tick_array.rs, tickarray_bitmap_extension.rs, pool_fee.rs, oracle.rs},
//   libraries/{tick_math, sqrt_price_math, liquidity_math, swap_math, tick_array_bit_map}.rs (ported in
//   PoolMath/ClmmMath.swift), instructions/swap.rs (`swap_internal`) and swap_v2.rs (transfer fees).
// Offsets: dex-layouts.md §5 (zero_copy packed structs, 8-byte Anchor discriminator first).

/// `DynamicFeeInfo` (pool_fee.rs, 80 bytes at PoolState @1096) plus its update rules.
///
/// ```swift
/// var info = pool.dynamicFeeInfo!
/// info.updateReference(spacingIndex: -25038, now: 1_783_355_400)
/// ```
public struct RaydiumClmmDynamicFeeInfo: Sendable, Equatable {
    public var filterPeriod: UInt16
    public var decayPeriod: UInt16
    public var reductionFactor: UInt16
    public var dynamicFeeControl: UInt32
    public var maxVolatilityAccumulator: UInt32
    public var tickSpacingIndexReference: Int32
    public var volatilityReference: UInt32
    public var volatilityAccumulator: UInt32
    public var lastUpdateTimestamp: UInt64

    init(_ r: ByteReader, at o: Int) throws {
        filterPeriod = try r.u16(o)
        decayPeriod = try r.u16(o + 2)
        reductionFactor = try r.u16(o + 4)
        dynamicFeeControl = try r.u32(o + 6)
        maxVolatilityAccumulator = try r.u32(o + 10)
        tickSpacingIndexReference = try r.i32(o + 14)
        volatilityReference = try r.u32(o + 18)
        volatilityAccumulator = try r.u32(o + 22)
        lastUpdateTimestamp = try r.u64(o + 26)
    }

    /// `update_volatility_accumulator`: reference + |Δ spacing index|·10_000, capped.
    mutating func updateVolatilityAccumulator(spacingIndex: Int64) {
        let delta = UInt64((Int64(tickSpacingIndexReference) - spacingIndex).magnitude)
        let (prod, o1) = delta.multipliedReportingOverflow(by: 10_000)
        let (acc, o2) = UInt64(volatilityReference).addingReportingOverflow(prod)
        volatilityAccumulator = (o1 || o2) ? maxVolatilityAccumulator : UInt32(min(acc, UInt64(maxVolatilityAccumulator)))
    }

    /// `update_reference`: no change inside the filter period, decay inside the decay period, else reset.
    mutating func updateReference(spacingIndex: Int64, now: UInt64) {
        let elapsed = now >= lastUpdateTimestamp ? now - lastUpdateTimestamp : 0
        if elapsed < UInt64(filterPeriod) { return }
        tickSpacingIndexReference = Int32(truncatingIfNeeded: spacingIndex)
        volatilityReference =
            elapsed < UInt64(decayPeriod)
            ? UInt32(truncatingIfNeeded: UInt64(volatilityAccumulator) * UInt64(reductionFactor) / 10_000) : 0
        lastUpdateTimestamp = now
    }

    /// `SwapState::compute_dynamic_fee_rate`: ceil(control · (acc·ts)² / (1e5·1e4·1e4)), capped at 100_000.
    func dynamicFeeRate(tickSpacing: UInt16) throws -> UInt32 {
        let (crossed, o) = volatilityAccumulator.multipliedReportingOverflow(by: UInt32(tickSpacing))
        guard !o else { throw QuoteError.mathOverflow("dynamic fee: volatility_accumulator * tick_spacing") }
        let squared = UInt128(crossed) * UInt128(crossed)
        let den: UInt128 = 100_000 * 10_000 * 10_000
        let rate = (UInt128(dynamicFeeControl) * squared + den - 1) / den
        return rate > 100_000 ? 100_000 : UInt32(rate)
    }
}
