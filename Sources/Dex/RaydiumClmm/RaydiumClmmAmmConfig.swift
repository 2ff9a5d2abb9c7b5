import Foundation
import PoolMath
import SolanaCore

// Raydium CLMM (CAMMCzo5…): account decoders and the exact-in quoting model.
// Source of truth: raydium-io/raydium-clmm @03b44b7f, programs/amm/src/
//   states/{pool.rs, config.rs, tick_array.rs, tickarray_bitmap_extension.rs, pool_fee.rs, oracle.rs},
//   libraries/{tick_math, sqrt_price_math, liquidity_math, swap_math, tick_array_bit_map}.rs (ported in
//   PoolMath/ClmmMath.swift), instructions/swap.rs (`swap_internal`) and swap_v2.rs (transfer fees).
// Offsets: dex-layouts.md §5 (zero_copy packed structs, 8-byte Anchor discriminator first).

/// Raydium CLMM `AmmConfig` (117 bytes): trade fee rate (per 1e6) and the protocol/fund shares of it.
///
/// ```swift
/// let config = try RaydiumClmmAmmConfig(account)
/// config.tradeFeeRate   // 400 = 0.04 %
/// ```
public struct RaydiumClmmAmmConfig: AnchorLayout, Equatable {
    public static let program = "raydium-clmm"
    public static let kind = "AmmConfig"
    public static let programId = ProgramIds.raydiumClmm
    public static let size = 117
    public static let discriminator = "daf42168cbcb2b6f"

    public var bump: UInt8
    public var index: UInt16
    public var owner: Pubkey
    public var protocolFeeRate: UInt32
    public var tradeFeeRate: UInt32
    public var tickSpacing: UInt16
    public var fundFeeRate: UInt32
    public var fundOwner: Pubkey

    public init(_ a: AccountData) throws {
        try Self.check(a)
        let r = ByteReader(a.data)
        bump = try r.u8(8)
        index = try r.u16(9)
        owner = try r.pubkey(11)
        protocolFeeRate = try r.u32(43)
        tradeFeeRate = try r.u32(47)
        tickSpacing = try r.u16(51)
        fundFeeRate = try r.u32(53)
        fundOwner = try r.pubkey(61)
    }

    public var fields: Fields {
        [
            ("bump", .u(bump)), ("index", .u(index)), ("owner", .pubkey(owner)), ("protocol_fee_rate", .u(protocolFeeRate)),
            ("trade_fee_rate", .u(tradeFeeRate)), ("tick_spacing", .u(tickSpacing)), ("fund_fee_rate", .u(fundFeeRate)),
            ("fund_owner", .pubkey(fundOwner)),
        ]
    }
}
