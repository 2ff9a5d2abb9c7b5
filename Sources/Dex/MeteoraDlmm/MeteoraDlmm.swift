import PoolMath
import SolanaCore

// Meteora DLMM (`LBUZKhRxPF3XUpBCjp4YzTKgLccjZhTSDM9YuVaPwxo`). Layouts: MeteoraAg/dlmm-sdk
// `idls/dlmm.json` v0.12.0 (bytemuck repr(C), offsets include the 8-byte Anchor discriminator;
// dex-layouts.md §7). Swap math: dlmm-sdk `commons/src/quote.rs::quote_exact_in` and
// `commons/src/extensions/{lb_pair,bin,bin_array,bin_array_bitmap}.rs` @fb02e51a.

/// DLMM constants (dlmm-sdk `commons/src/constants.rs`, `commons/src/seeds.rs`).
public enum MeteoraDlmm {
    public static let binsPerArray: Int32 = 70  // MAX_BIN_PER_ARRAY
    public static let minBinId: Int32 = -443_636  // MIN_BIN_ID
    public static let maxBinId: Int32 = 443_636  // MAX_BIN_ID
    public static let bitmapSize: Int32 = 512  // BIN_ARRAY_BITMAP_SIZE (LbPair bitmap covers −512…511)
    public static let extensionBitmapSize: Int32 = 12  // EXTENSION_BINARRAY_BITMAP_SIZE
    /// Array indexes the LbPair bitmap plus the extension can describe: −6656…6655.
    public static let extensionRange: ClosedRange<Int32> = (-bitmapSize * (extensionBitmapSize + 1))...(bitmapSize * (extensionBitmapSize + 1) - 1)

    /// `BinArray::bin_id_to_bin_array_index`: floor(bin_id / 70).
    public static func arrayIndex(ofBin id: Int32) -> Int32 {
        let (q, r) = id.quotientAndRemainder(dividingBy: binsPerArray)
        return (id < 0 && r != 0) ? q - 1 : q
    }

    /// `get_bin_array_lower_upper_bin_id`; nil when it would overflow i32.
    public static func binRange(ofArray index: Int64) -> ClosedRange<Int32>? {
        guard let i = Int32(exactly: index) else { return nil }
        let (lo, o1) = i.multipliedReportingOverflow(by: binsPerArray)
        let (hi, o2) = lo.addingReportingOverflow(binsPerArray - 1)
        return (o1 || o2) ? nil : lo...hi
    }

    /// `derive_bin_array_pda`: ["bin_array", lb_pair, index as i64 LE].
    public static func binArrayAddress(pool: Pubkey, index: Int64) -> Pubkey {
        let le = (0..<8).map { UInt8(truncatingIfNeeded: UInt64(bitPattern: index) >> (UInt64($0) * 8)) }
        // `find` fails only if all 256 bumps land on the curve (probability 2^-256).
        return ProgramAddress.find(seeds: [Array("bin_array".utf8), pool.bytes, le], programId: ProgramIds.meteoraDlmm)!.0
    }

    /// `derive_bin_array_bitmap_extension`: ["bitmap", lb_pair].
    public static func bitmapExtensionAddress(pool: Pubkey) -> Pubkey {
        ProgramAddress.find(seeds: [Array("bitmap".utf8), pool.bytes], programId: ProgramIds.meteoraDlmm)!.0
    }
}
