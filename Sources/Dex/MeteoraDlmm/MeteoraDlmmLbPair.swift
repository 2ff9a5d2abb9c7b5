import PoolMath
import SolanaCore

// Meteora DLMM (`LBUZKhRxPF3XUpBCjp4YzTKgLccjZhTSDM9YuVaPwxo`). Layouts: MeteoraAg/dlmm-sdk
// `idls/dlmm.json` v0.12.0 (bytemuck repr(C), offsets include the 8-byte Anchor discriminator;
// dex-layouts.md §7). Swap math: dlmm-sdk `commons/src/quote.rs::quote_exact_in` and
// `commons/src/extensions/{lb_pair,bin,bin_array,bin_array_bitmap}.rs` @fb02e51a.

/// The DLMM pool account `LbPair` (904 B): fee parameters, volatility state, active bin,
/// mints, reserves and the bin-array bitmap.
///
/// ```swift
/// let pair = try MeteoraDlmmLbPair(account)
/// print(pair.activeId, pair.binStep)
/// ```
public struct MeteoraDlmmLbPair: AnchorLayout, Equatable {
    public static let program = "meteora-dlmm"
    public static let kind = "LbPair"
    public static let programId = ProgramIds.meteoraDlmm
    public static let size = 904
    public static let discriminator = "210b3162b565b10d"

    // StaticParameters @8
    public var baseFactor: UInt16, filterPeriod: UInt16, decayPeriod: UInt16, reductionFactor: UInt16
    public var variableFeeControl: UInt32, maxVolatilityAccumulator: UInt32
    public var minBinId: Int32, maxBinId: Int32
    public var protocolShare: UInt16
    public var baseFeePowerFactor: UInt8, functionType: UInt8, collectFeeMode: UInt8
    // VariableParameters @40
    public var volatilityAccumulator: UInt32, volatilityReference: UInt32, indexReference: Int32
    public var lastUpdateTimestamp: Int64
    public var pairType: UInt8
    public var activeId: Int32
    public var binStep: UInt16
    public var status: UInt8
    public var activationType: UInt8
    public var tokenXMint: Pubkey, tokenYMint: Pubkey, reserveX: Pubkey, reserveY: Pubkey
    public var protocolFeeX: UInt64, protocolFeeY: UInt64
    public var rewardMints: [Pubkey]
    public var oracle: Pubkey
    /// `bin_array_bitmap` [u64;16]: bit (index + 512) set = bin array `index` has liquidity.
    public var binArrayBitmap: [UInt64]
    public var activationPoint: UInt64
    public var creator: Pubkey
    public var tokenMintXProgramFlag: UInt8, tokenMintYProgramFlag: UInt8
    public var version: UInt8

    public init(_ a: AccountData) throws {
        try Self.check(a)
        let r = ByteReader(a.data)
        baseFactor = try r.u16(8); filterPeriod = try r.u16(10); decayPeriod = try r.u16(12); reductionFactor = try r.u16(14)
        variableFeeControl = try r.u32(16); maxVolatilityAccumulator = try r.u32(20)
        minBinId = try r.i32(24); maxBinId = try r.i32(28)
        protocolShare = try r.u16(32)
        baseFeePowerFactor = try r.u8(34); functionType = try r.u8(35); collectFeeMode = try r.u8(36)
        volatilityAccumulator = try r.u32(40); volatilityReference = try r.u32(44); indexReference = try r.i32(48)
        lastUpdateTimestamp = try r.i64(56)
        pairType = try r.u8(75)
        activeId = try r.i32(76)
        binStep = try r.u16(80)
        status = try r.u8(82)
        activationType = try r.u8(86)
        tokenXMint = try r.pubkey(88); tokenYMint = try r.pubkey(120)
        reserveX = try r.pubkey(152); reserveY = try r.pubkey(184)
        protocolFeeX = try r.u64(216); protocolFeeY = try r.u64(224)
        rewardMints = [try r.pubkey(264), try r.pubkey(264 + 144)]  // RewardInfo is 144 B, mint first
        oracle = try r.pubkey(552)
        binArrayBitmap = try (0..<16).map { try r.u64(584 + 8 * $0) }
        activationPoint = try r.u64(816)
        creator = try r.pubkey(848)
        tokenMintXProgramFlag = try r.u8(880); tokenMintYProgramFlag = try r.u8(881)
        version = try r.u8(882)
    }

    /// True when the LbPair bitmap marks array `index` (only meaningful in −512…511).
    public func bitmapHasLiquidity(_ index: Int32) -> Bool {
        let off = Int(index) + Int(MeteoraDlmm.bitmapSize)
        guard off >= 0, off < 1024 else { return false }
        return binArrayBitmap[off >> 6] >> UInt64(off & 63) & 1 == 1
    }

    public var fields: Fields {
        [
            ("base_factor", .u(baseFactor)), ("filter_period", .u(filterPeriod)), ("decay_period", .u(decayPeriod)),
            ("reduction_factor", .u(reductionFactor)), ("variable_fee_control", .u(variableFeeControl)),
            ("max_volatility_accumulator", .u(maxVolatilityAccumulator)), ("min_bin_id", .u(minBinId)),
            ("max_bin_id", .u(maxBinId)), ("protocol_share", .u(protocolShare)),
            ("base_fee_power_factor", .u(baseFeePowerFactor)), ("function_type", .u(functionType)),
            ("collect_fee_mode", .u(collectFeeMode)), ("volatility_accumulator", .u(volatilityAccumulator)),
            ("volatility_reference", .u(volatilityReference)), ("index_reference", .u(indexReference)),
            ("last_update_timestamp", .u(lastUpdateTimestamp)), ("pair_type", .u(pairType)), ("active_id", .u(activeId)),
            ("bin_step", .u(binStep)), ("status", .u(status)), ("activation_type", .u(activationType)),
            ("token_x_mint", .pubkey(tokenXMint)), ("token_y_mint", .pubkey(tokenYMint)),
            ("reserve_x", .pubkey(reserveX)), ("reserve_y", .pubkey(reserveY)),
            ("protocol_fee_x", .u(protocolFeeX)), ("protocol_fee_y", .u(protocolFeeY)),
            ("reward_mints", .list(rewardMints.map { .pubkey($0) })), ("oracle", .pubkey(oracle)),
            ("activation_point", .u(activationPoint)), ("creator", .pubkey(creator)),
            ("token_mint_x_program_flag", .u(tokenMintXProgramFlag)), ("token_mint_y_program_flag", .u(tokenMintYProgramFlag)),
            ("version", .u(version)),
        ]
    }
}
