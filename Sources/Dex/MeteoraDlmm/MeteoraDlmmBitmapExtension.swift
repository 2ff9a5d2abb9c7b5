import PoolMath
import SolanaCore

// Meteora DLMM (`LBUZKhRxPF3XUpBCjp4YzTKgLccjZhTSDM9YuVaPwxo`). Layouts: MeteoraAg/dlmm-sdk
// `idls/dlmm.json` v0.12.0 (bytemuck repr(C), offsets include the 8-byte Anchor discriminator;
// dex-layouts.md §7). Swap math: dlmm-sdk `commons/src/quote.rs::quote_exact_in` and
// `commons/src/extensions/{lb_pair,bin,bin_array,bin_array_bitmap}.rs` @fb02e51a.

/// `BinArrayBitmapExtension` (1576 B): liquidity bits for bin arrays beyond the LbPair's
/// ±512 bitmap, 12 × 512 bits on each side.
///
/// ```swift
/// let ext = try MeteoraDlmmBitmapExtension(account)
/// ext.hasLiquidity(-600)
/// ```
public struct MeteoraDlmmBitmapExtension: AnchorLayout, Equatable {
    public static let program = "meteora-dlmm"
    public static let kind = "BinArrayBitmapExtension"
    public static let programId = ProgramIds.meteoraDlmm
    public static let size = 1576
    public static let discriminator = "506f7c7137ed1205"

    public var lbPair: Pubkey
    /// [12][8] u64, for array indexes 512…6655.
    public var positive: [UInt64]
    /// [12][8] u64, for array indexes −513…−6656.
    public var negative: [UInt64]

    public init(_ a: AccountData) throws {
        try Self.check(a)
        let r = ByteReader(a.data)
        lbPair = try r.pubkey(8)
        positive = try (0..<96).map { try r.u64(40 + 8 * $0) }
        negative = try (0..<96).map { try r.u64(40 + 768 + 8 * $0) }
    }

    /// `BinArrayBitmapExtension::bit` (extensions/bin_array_bitmap.rs): offset and bit from
    /// `get_bitmap_offset` / `bin_array_offset_in_bitmap`. False outside the extension's range.
    public func hasLiquidity(_ index: Int32) -> Bool {
        guard MeteoraDlmm.extensionRange.contains(index),
            index >= MeteoraDlmm.bitmapSize || index < -MeteoraDlmm.bitmapSize
        else { return false }
        let (words, n) = index > 0 ? (positive, Int(index)) : (negative, Int(-(index + 1)))
        let offset = n / Int(MeteoraDlmm.bitmapSize) - 1
        let bit = n % Int(MeteoraDlmm.bitmapSize)
        return words[offset * 8 + bit >> 6] >> UInt64(bit & 63) & 1 == 1
    }

    public var fields: Fields {
        [
            ("lb_pair", .pubkey(lbPair)),
            ("positive_arrays_marked", .u(positive.reduce(0) { $0 + $1.nonzeroBitCount })),
            ("negative_arrays_marked", .u(negative.reduce(0) { $0 + $1.nonzeroBitCount })),
        ]
    }
}
