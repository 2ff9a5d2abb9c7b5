import Foundation
import PoolMath
import SolanaCore

// Raydium CLMM (CAMMCzo5…): account decoders and the exact-in quoting model.
// Source of truth: raydium-io/raydium-clmm @03b44b7f, programs/amm/src/
//   states/{pool.rs, config.rs, tick_array.rs, tickarray_bitmap_extension.rs, pool_fee.rs, oracle.rs},
//   libraries/{tick_math, sqrt_price_math, liquidity_math, swap_math, tick_array_bit_map}.rs (ported in
//   PoolMath/ClmmMath.swift), instructions/swap.rs (`swap_internal`) and swap_v2.rs (transfer fees).
// Offsets: dex-layouts.md §5 (zero_copy packed structs, 8-byte Anchor discriminator first).

/// One tick of a tick array: the fields the swap reads (tick_array.rs `TickState`, 168 bytes).
public struct RaydiumClmmTick: Sendable, Equatable {
    public var tick: Int32
    public var liquidityNet: Int128
    public var liquidityGross: UInt128
    public var ordersAmount: UInt64
    public var partFilledOrdersRemaining: UInt64

    public var hasLiquidity: Bool { liquidityGross > 0 }
    public var hasLimitOrders: Bool { ordersAmount > 0 || partFilledOrdersRemaining > 0 }
    /// `TickState::is_initialized`: liquidity or unfilled limit orders.
    public var isInitialized: Bool { hasLiquidity || hasLimitOrders }
    /// `limit_order_unfilled_amount` (checked add).
    func unfilledAmount() throws -> UInt64 {
        let (s, o) = ordersAmount.addingReportingOverflow(partFilledOrdersRemaining)
        guard !o else { throw QuoteError.mathOverflow("limit_order_unfilled_amount") }
        return s
    }
}
