import PoolMath
import SolanaCore

// Meteora DLMM (`LBUZKhRxPF3XUpBCjp4YzTKgLccjZhTSDM9YuVaPwxo`). Layouts: MeteoraAg/dlmm-sdk
// `idls/dlmm.json` v0.12.0 (bytemuck repr(C), offsets include the 8-byte Anchor discriminator;
// dex-layouts.md §7). Swap math: dlmm-sdk `commons/src/quote.rs::quote_exact_in` and
// `commons/src/extensions/{lb_pair,bin,bin_array,bin_array_bitmap}.rs` @fb02e51a.

/// DLMM `Oracle` header (idx, active_size, length u64) followed by `length` 32-byte
/// observations; not needed for quoting, decoded for display.
///
/// ```swift
/// let oracle = try MeteoraDlmmOracle(account)
/// ```
public struct MeteoraDlmmOracle: AccountLayout, Equatable {
    public static let program = "meteora-dlmm"
    public static let kind = "Oracle"
    public static let headerSize = 32
    public static let observationSize = 32
    public static let discriminator = "8bc283b38cb3e5f4"

    public var idx: UInt64, activeSize: UInt64, length: UInt64

    public static func matches(_ a: AccountData) -> Bool {
        a.owner == ProgramIds.meteoraDlmm && a.data.count >= headerSize
            && (a.data.count - headerSize) % observationSize == 0 && LayoutCheck.hasDiscriminator(a, discriminator)
    }

    public init(_ a: AccountData) throws {
        try LayoutCheck.anchor(
            a, owner: ProgramIds.meteoraDlmm, size: Self.headerSize, atLeast: true,
            disc: Self.discriminator, kind: Self.kind)
        guard (a.data.count - Self.headerSize) % Self.observationSize == 0 else {
            throw DecodeError.wrongSize(kind: Self.kind, expected: "32 + n × 32", got: a.data.count)
        }
        let r = ByteReader(a.data)
        idx = try r.u64(8); activeSize = try r.u64(16); length = try r.u64(24)
        guard length <= UInt64((a.data.count - Self.headerSize) / Self.observationSize) else {
            throw DecodeError.invalidField(kind: Self.kind, field: "length", reason: "\(length) observations do not fit \(a.data.count) bytes")
        }
    }

    public var fields: Fields { [("idx", .u(idx)), ("active_size", .u(activeSize)), ("length", .u(length))] }
}
