import PoolMath
import SolanaCore

// Meteora DLMM (`LBUZKhRxPF3XUpBCjp4YzTKgLccjZhTSDM9YuVaPwxo`). Layouts: MeteoraAg/dlmm-sdk
// `idls/dlmm.json` v0.12.0 (bytemuck repr(C), offsets include the 8-byte Anchor discriminator;
// dex-layouts.md §7). Swap math: dlmm-sdk `commons/src/quote.rs::quote_exact_in` and
// `commons/src/extensions/{lb_pair,bin,bin_array,bin_array_bitmap}.rs` @fb02e51a.

/// A DLMM `BinArray` (10136 B): 70 bins starting at bin `index * 70`.
///
/// Limit-order fields are read at every `version`, as the program does: on version-1 arrays
/// (written before v0.12) bytes +112…+144 still hold the legacy v0.10 `amount_x_in/amount_y_in`
/// counters, and the mainnet program (LiteSVM oracle, pool EtAdVRLF, bin_step 250) fills them as
/// bid-side limit orders on X → Y: zeroing them underpaid 1–33 %. What the inflated orders
/// promise beyond the reserve fails in the token transfer, so quotes are capped by the reserve.
///
/// ```swift
/// let array = try MeteoraDlmmBinArray(account)
/// let bin = array.bin(-6260)   // nil when the id is outside this array
/// ```
public struct MeteoraDlmmBinArray: AnchorLayout, Equatable {
    public static let program = "meteora-dlmm"
    public static let kind = "BinArray"
    public static let programId = ProgramIds.meteoraDlmm
    public static let size = 10136
    public static let discriminator = "5c8e5cdc059446b5"
    public static let binsOffset = 56
    public static let binSize = 144

    public var address: Pubkey
    public var index: Int64
    public var version: UInt8
    public var lbPair: Pubkey
    public var bins: [MeteoraDlmmBin]

    public init(_ a: AccountData) throws {
        try Self.check(a)
        let r = ByteReader(a.data)
        address = a.address
        index = try r.i64(8)
        version = try r.u8(16)
        lbPair = try r.pubkey(24)
        bins = try (0..<Int(MeteoraDlmm.binsPerArray)).map { i in
            let o = Self.binsOffset + i * Self.binSize
            return MeteoraDlmmBin(
                amountX: try r.u64(o), amountY: try r.u64(o + 8), price: try r.u128(o + 16),
                liquiditySupply: try r.u128(o + 32),
                openOrderAmount: try r.u64(o + 112),
                processedOrderRemainingAmount: try r.u64(o + 128),
                limitOrderAskSide: try r.u8(o + 140) != 0)
        }
    }

    /// Bin ids covered, or nil if `index` is out of i32 bin-id range (corrupt data).
    public var binRange: ClosedRange<Int32>? { MeteoraDlmm.binRange(ofArray: index) }

    public func bin(_ id: Int32) -> MeteoraDlmmBin? {
        guard let range = binRange, range.contains(id) else { return nil }
        return bins[Int(id - range.lowerBound)]
    }

    public var fields: Fields {
        var sumX: UInt128 = 0, sumY: UInt128 = 0
        for b in bins { sumX += UInt128(b.amountX); sumY += UInt128(b.amountY) }
        return [
            ("index", .u(index)), ("version", .u(version)), ("lb_pair", .pubkey(lbPair)),
            ("bins_with_x", .u(bins.filter { $0.amountX > 0 }.count)),
            ("bins_with_y", .u(bins.filter { $0.amountY > 0 }.count)),
            ("sum_x", .u(sumX)), ("sum_y", .u(sumY)),
        ]
    }
}
