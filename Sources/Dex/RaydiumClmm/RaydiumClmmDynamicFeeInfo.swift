import Foundation
import PoolMath
import SolanaCore

// Raydium CLMM (CAMMCzo5…): account decoders and the exact-in quoting model.
// Source of truth: raydium-io/raydium-clmm @03b44b7f, programs/amm/src/
//   states/{pool.rs, config.rs, tick_array.rs, tickarray_bitmap_extension.rs, pool_fee.rs, oracle.rs},
//   libraries/{tick_math, sqrt_price_math, liquidity_math, swap_math, tick_array_bit_map}.rs (ported in
//   PoolMath/ClmmMath.swift), instructions/swap.rs (`swap_internal`) and swap_v2.rs (transfer fees).
// Offsets: dex-layouts.md §5 (zero_copy packed structs, 8-byte Anchor discriminator first).

/// `DynamicFeeInfo` (pool_fee.rs, 80 bytes at PoolState @1096) plus its update rules (the pure
/// arithmetic is PoolMath's `ClmmDynamicFee`).
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

    /// `update_volatility_accumulator` (pool_fee.rs), arithmetic in PoolMath `ClmmDynamicFee`.
    mutating func updateVolatilityAccumulator(spacingIndex: Int64) {
        volatilityAccumulator = ClmmDynamicFee.volatilityAccumulator(
            reference: volatilityReference, indexReference: tickSpacingIndexReference, spacingIndex: spacingIndex,
            max: maxVolatilityAccumulator)
    }

    /// `update_reference` (pool_fee.rs): no change inside the filter period, decay inside the decay period, else reset.
    mutating func updateReference(spacingIndex: Int64, now: UInt64) {
        guard
            let reference = ClmmDynamicFee.volatilityReference(
                now: now, lastUpdate: lastUpdateTimestamp, filterPeriod: filterPeriod, decayPeriod: decayPeriod,
                reductionFactor: reductionFactor, volatilityAccumulator: volatilityAccumulator)
        else { return }
        tickSpacingIndexReference = Int32(truncatingIfNeeded: spacingIndex)
        volatilityReference = reference
        lastUpdateTimestamp = now
    }

    /// `SwapState::compute_dynamic_fee_rate` (swap.rs), arithmetic in PoolMath `ClmmDynamicFee`.
    func dynamicFeeRate(tickSpacing: UInt16) throws -> UInt32 {
        guard let rate = ClmmDynamicFee.rate(volatilityAccumulator: volatilityAccumulator, tickSpacing: tickSpacing, control: dynamicFeeControl)
        else { throw QuoteError.mathOverflow("dynamic fee: volatility_accumulator * tick_spacing") }
        return rate
    }
}
