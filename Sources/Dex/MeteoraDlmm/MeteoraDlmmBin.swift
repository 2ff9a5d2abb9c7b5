import PoolMath
import SolanaCore

// Meteora DLMM (`LBUZKhRxPF3XUpBCjp4YzTKgLccjZhTSDM9YuVaPwxo`). Layouts: MeteoraAg/dlmm-sdk
// `idls/dlmm.json` v0.12.0 (bytemuck repr(C), offsets include the 8-byte Anchor discriminator;
// dex-layouts.md §7). Swap math: dlmm-sdk `commons/src/quote.rs::quote_exact_in` and
// `commons/src/extensions/{lb_pair,bin,bin_array,bin_array_bitmap}.rs` @fb02e51a.

/// One bin of a `BinArray` (144 B): market-making amounts, price, and limit-order amounts.
public struct MeteoraDlmmBin: Sendable, Equatable {
    public var amountX: UInt64
    public var amountY: UInt64
    /// Q64.64 Y per X in raw units; 0 until the program stores it (`get_or_store_bin_price`).
    public var price: UInt128
    public var liquiditySupply: UInt128
    public var openOrderAmount: UInt64
    public var processedOrderRemainingAmount: UInt64
    public var limitOrderAskSide: Bool

    /// `Bin::get_limit_order_amounts_by_direction` (extensions/bin.rs): (open, processed remaining)
    /// of the side a swap can fill — bid-side orders for X → Y, ask-side orders for Y → X.
    public func limitOrderAmounts(swapForY: Bool) -> (open: UInt64, processed: UInt64) {
        (swapForY && !limitOrderAskSide) || (!swapForY && limitOrderAskSide)
            ? (openOrderAmount, processedOrderRemainingAmount) : (0, 0)
    }

    /// `get_max_amount_out_with_limit_orders`: MM amount plus matching limit orders (saturating).
    public func maxAmountOut(swapForY: Bool, supportLimitOrder: Bool) -> UInt64 {
        let mm = swapForY ? amountY : amountX
        guard supportLimitOrder else { return mm }
        let lo = limitOrderAmounts(swapForY: swapForY)
        let (a, o1) = mm.addingReportingOverflow(lo.open)
        if o1 { return .max }
        let (b, o2) = a.addingReportingOverflow(lo.processed)
        return o2 ? .max : b
    }
}
