import Foundation
import PoolMath
import SolanaCore

// Raydium CLMM (CAMMCzo5…): account decoders and the exact-in quoting model.
// Source of truth: raydium-io/raydium-clmm @03b44b7f, programs/amm/src/
//   states/{pool.rs, config.rs, tick_array.rs, tickarray_bitmap_extension.rs, pool_fee.rs, oracle.rs},
//   libraries/{tick_math, sqrt_price_math, liquidity_math, swap_math, tick_array_bit_map}.rs (ported in
//   PoolMath/ClmmMath.swift), instructions/swap.rs (`swap_internal`) and swap_v2.rs (transfer fees).
// Offsets: dex-layouts.md §5 (zero_copy packed structs, 8-byte Anchor discriminator first).

/// Raydium CLMM `TickArrayBitmapExtension` (1832 bytes): initialized-array bits beyond the pool's own
/// bitmap (|start| ≥ 512·60·ts), 14 × 512 bits per side. PDA `["pool_tick_array_bitmap_extension", pool]`.
///
/// ```swift
/// let ext = try RaydiumClmmTickArrayBitmapExtension(account)
/// ext.poolId
/// ```
public struct RaydiumClmmTickArrayBitmapExtension: AnchorLayout, Equatable {
    public static let program = "raydium-clmm"
    public static let kind = "TickArrayBitmapExtension"
    public static let programId = ProgramIds.raydiumClmm
    public static let size = 1832
    public static let discriminator = "3c9624db61808b99"

    public var poolId: Pubkey
    /// 14 bitmaps of 8 little-endian u64 words each.
    public var positive: [[UInt64]]
    public var negative: [[UInt64]]

    public init(_ a: AccountData) throws {
        try Self.check(a)
        let r = ByteReader(a.data)
        poolId = try r.pubkey(8)
        positive = try (0..<14).map { b in try (0..<8).map { w in try r.u64(40 + b * 64 + w * 8) } }
        negative = try (0..<14).map { b in try (0..<8).map { w in try r.u64(936 + b * 64 + w * 8) } }
    }

    public var fields: Fields {
        let count = (positive + negative).flatMap { $0 }.reduce(0) { $0 + $1.nonzeroBitCount }
        return [("pool_id", .pubkey(poolId)), ("initialized_tick_arrays", .u(count))]
    }

    // tickarray_bitmap_extension.rs, in Int64.

    /// `get_bitmap_offset` + `get_bitmap`: which of the 14 bitmaps holds `start`.
    func bitmap(for start: Int64, _ ts: UInt16) throws -> [UInt64] {
        guard ClmmGeometry.isValidStart(start, ts) else { throw QuoteError.mathOverflow("bitmap extension: invalid start \(start)") }
        let tb = ClmmGeometry.maxTickInBitmap(ts)
        // check_extension_boundary
        guard Int64(ClmmMath.maxTick) > tb, -tb > Int64(ClmmMath.minTick), start < -tb || start >= tb else {
            throw QuoteError.mathOverflow("bitmap extension: start \(start) is inside the default bitmap")
        }
        var offset = start.magnitude / UInt64(tb) - 1
        if start < 0 && start.magnitude % UInt64(tb) == 0 { offset = offset &- 1 }
        guard offset < 14 else { throw QuoteError.mathOverflow("bitmap extension: offset \(offset)") }
        return start < 0 ? negative[Int(offset)] : positive[Int(offset)]
    }

    static func offsetInBitmap(_ start: Int64, _ ts: UInt16) -> Int {
        let m = Int64(start.magnitude) % ClmmGeometry.maxTickInBitmap(ts)
        var off = m / ClmmGeometry.ticksInArray(ts)
        if start < 0 && m != 0 { off = 512 - off }
        return Int(off)
    }

    static func bit(_ words: [UInt64], _ i: Int) -> Bool { i >= 0 && i < 512 && (words[i >> 6] >> UInt64(i & 63)) & 1 == 1 }

    /// `check_tick_array_is_initialized`.
    func isInitialized(start: Int64, _ ts: UInt16) throws -> Bool {
        Self.bit(try bitmap(for: start, ts), Self.offsetInBitmap(start, ts))
    }

    /// `next_initialized_tick_array_from_one_bitmap`: (found, start or boundary).
    func nextInOneBitmap(after last: Int64, _ ts: UInt16, zeroForOne: Bool) throws -> (Bool, Int64) {
        let n = ClmmGeometry.ticksInArray(ts)
        let next = zeroForOne ? last - n : last + n
        let minStart = ClmmGeometry.arrayStart(Int64(ClmmMath.minTick), ts)
        let maxStart = ClmmGeometry.arrayStart(Int64(ClmmMath.maxTick), ts)
        if next < minStart || next > maxStart { return (false, next) }
        let words = try bitmap(for: next, ts)
        // get_bitmap_tick_boundary
        let tb = ClmmGeometry.maxTickInBitmap(ts)
        var m = Int64(next.magnitude) / tb
        if next < 0 && Int64(next.magnitude) % tb != 0 { m += 1 }
        let minValue = tb * m
        let (lo, hi) = next < 0 ? (-minValue, -minValue + tb) : (minValue, minValue + tb)
        let off = Self.offsetInBitmap(next, ts)
        if zeroForOne {
            for b in stride(from: off, through: 0, by: -1) where Self.bit(words, b) { return (true, next - Int64(off - b) * n) }
            return (false, lo)
        }
        for b in off..<512 where Self.bit(words, b) { return (true, next + Int64(b - off) * n) }
        return (false, hi - n)
    }
}
