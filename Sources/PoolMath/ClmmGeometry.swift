// Raydium CLMM tick-array geometry, raydium-io/raydium-clmm @03b44b7f programs/amm/src/states/tick_array.rs
// and libraries/tick_array_bit_map.rs.

/// Tick-array geometry shared by the decoders and the model (`TickArrayState::get_array_start_index`,
/// `check_is_valid_start_index`, `tick_array_bit_map::max_tick_in_tickarray_bitmap`). All in Int64 so
/// corrupted ticks/spacings cannot overflow.
public enum ClmmGeometry {
    public static let ticksPerArray: Int64 = 60
    public static let bitmapArrays: Int64 = 512

    @inlinable public static func ticksInArray(_ ts: UInt16) -> Int64 { ticksPerArray * Int64(ts) }

    /// Start index of the array holding `tick` (floor division).
    @inlinable public static func arrayStart(_ tick: Int64, _ ts: UInt16) -> Int64 {
        let n = ticksInArray(ts)
        var start = tick / n
        if tick < 0 && tick % n != 0 { start -= 1 }
        return start * n
    }

    @inlinable public static func isValidStart(_ start: Int64, _ ts: UInt16) -> Bool {
        guard ts > 0 else { return false }
        if start < Int64(ClmmMath.minTick) || start > Int64(ClmmMath.maxTick) {
            if start > Int64(ClmmMath.maxTick) { return false }
            return start == arrayStart(Int64(ClmmMath.minTick), ts)
        }
        return start % ticksInArray(ts) == 0
    }

    /// Ticks covered by the pool's own 1024-bit bitmap on each side of 0.
    @inlinable public static func maxTickInBitmap(_ ts: UInt16) -> Int64 { Int64(ts) * ticksPerArray * bitmapArrays }

    /// `tick_spacing_index_from_tick` (pool_fee.rs).
    @inlinable public static func spacingIndex(_ tick: Int64, _ ts: UInt16) -> Int64 {
        let s = Int64(ts)
        return (tick % s == 0 || tick >= 0) ? tick / s : tick / s - 1
    }
}
