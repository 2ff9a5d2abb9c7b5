import Foundation
import PoolMath
import SolanaCore

// Raydium CLMM (CAMMCzo5…): account decoders and the exact-in quoting model.
// Source of truth: raydium-io/raydium-clmm @03b44b7f, programs/amm/src/
//   states/{pool.rs, config.rs, tick_array.rs, tickarray_bitmap_extension.rs, pool_fee.rs, oracle.rs},
//   libraries/{tick_math, sqrt_price_math, liquidity_math, swap_math, tick_array_bit_map}.rs (ported in
//   PoolMath/ClmmMath.swift), instructions/swap.rs (`swap_internal`) and swap_v2.rs (transfer fees).
// Offsets: dex-layouts.md §5 (zero_copy packed structs, 8-byte Anchor discriminator first).

/// Tick-array geometry shared by the decoders and the model (`TickArrayState::get_array_start_index`,
/// `check_is_valid_start_index`, `tick_array_bit_map::max_tick_in_tickarray_bitmap`). All in Int64 so
/// corrupted ticks/spacings cannot overflow.
enum ClmmGeometry {
    static let ticksPerArray: Int64 = 60
    static let bitmapArrays: Int64 = 512

    static func ticksInArray(_ ts: UInt16) -> Int64 { ticksPerArray * Int64(ts) }

    /// Start index of the array holding `tick` (floor division).
    static func arrayStart(_ tick: Int64, _ ts: UInt16) -> Int64 {
        let n = ticksInArray(ts)
        var start = tick / n
        if tick < 0 && tick % n != 0 { start -= 1 }
        return start * n
    }

    static func isValidStart(_ start: Int64, _ ts: UInt16) -> Bool {
        guard ts > 0 else { return false }
        if start < Int64(ClmmMath.minTick) || start > Int64(ClmmMath.maxTick) {
            if start > Int64(ClmmMath.maxTick) { return false }
            return start == arrayStart(Int64(ClmmMath.minTick), ts)
        }
        return start % ticksInArray(ts) == 0
    }

    /// Ticks covered by the pool's own 1024-bit bitmap on each side of 0.
    static func maxTickInBitmap(_ ts: UInt16) -> Int64 { Int64(ts) * ticksPerArray * bitmapArrays }

    /// `tick_spacing_index_from_tick` (pool_fee.rs).
    static func spacingIndex(_ tick: Int64, _ ts: UInt16) -> Int64 {
        let s = Int64(ts)
        return (tick % s == 0 || tick >= 0) ? tick / s : tick / s - 1
    }
}
