import PoolMath
import SolanaCore

// Orca Whirlpool (whirLbMiicVdio4qvUfM5KAg6Ct8VwpYzGff3uctyCc): account layouts and the
// exact-in swap, from orca-so/whirlpools `programs/whirlpool/src` @630c0e01:
// state/{whirlpool,tick,fixed_tick_array,dynamic_tick_array,fee_tier,config,oracle}.rs,
// manager/{swap_manager,fee_rate_manager}.rs, util/{swap_tick_sequence,sparse_swap}.rs,
// instructions/v2/swap.rs. Offsets in dex-layouts.md §6.

/// The Whirlpool pool account (653 bytes, `state/whirlpool.rs`).
///
/// ```swift
/// let pool = try OrcaWhirlpoolState(account)
/// print(pool.sqrtPrice, pool.tickCurrentIndex)
/// ```
public struct OrcaWhirlpoolState: AnchorLayout, Equatable {
    public static let program = "orca-whirlpool"
    public static let kind = "Whirlpool"
    public static let programId = ProgramIds.orcaWhirlpool
    public static let size = 653  // Whirlpool::LEN = 8 + 261 + 384
    public static let discriminator = "3f95d10ce1806309"

    public var address: Pubkey
    public var whirlpoolsConfig: Pubkey
    public var whirlpoolBump: UInt8
    public var tickSpacing: UInt16
    /// `fee_tier_index_seed` ([u8;2] read as LE u16); differs from tick_spacing on adaptive-fee pools.
    public var feeTierIndexSeed: UInt16
    /// Hundredths of a basis point (denominator 1e6).
    public var feeRate: UInt16
    /// Basis points of the fee (denominator 1e4).
    public var protocolFeeRate: UInt16
    public var liquidity: UInt128
    /// Q64.64 sqrt(B/A).
    public var sqrtPrice: UInt128
    public var tickCurrentIndex: Int32
    public var protocolFeeOwedA: UInt64
    public var protocolFeeOwedB: UInt64
    public var tokenMintA: Pubkey
    public var tokenVaultA: Pubkey
    public var feeGrowthGlobalA: UInt128
    public var tokenMintB: Pubkey
    public var tokenVaultB: Pubkey
    public var feeGrowthGlobalB: UInt128
    public var rewardLastUpdatedTimestamp: UInt64
    /// reward_infos[1].extension = WhirlpoolExtensionSegmentPrimary.control_flags (u16 @461).
    public var controlFlags: UInt16
    public var rewardMints: [Pubkey]

    /// Adaptive-fee pools are created from an AdaptiveFeeTier whose index differs from the tick spacing.
    public var isAdaptiveFee: Bool { feeTierIndexSeed != tickSpacing }

    public init(_ a: AccountData) throws {
        try Self.check(a)
        let r = ByteReader(a.data)
        address = a.address
        whirlpoolsConfig = try r.pubkey(8)
        whirlpoolBump = try r.u8(40)
        tickSpacing = try r.u16(41)
        feeTierIndexSeed = try r.u16(43)
        feeRate = try r.u16(45)
        protocolFeeRate = try r.u16(47)
        liquidity = try r.u128(49)
        sqrtPrice = try r.u128(65)
        tickCurrentIndex = try r.i32(81)
        protocolFeeOwedA = try r.u64(85)
        protocolFeeOwedB = try r.u64(93)
        tokenMintA = try r.pubkey(101)
        tokenVaultA = try r.pubkey(133)
        feeGrowthGlobalA = try r.u128(165)
        tokenMintB = try r.pubkey(181)
        tokenVaultB = try r.pubkey(213)
        feeGrowthGlobalB = try r.u128(245)
        rewardLastUpdatedTimestamp = try r.u64(261)
        // reward_infos[3] @269, 128 B each: mint @+0, vault @+32, extension[32] @+64, emissions u128 @+96, growth u128 @+112.
        controlFlags = try r.u16(269 + 128 + 64)
        rewardMints = try (0..<3).map { try r.pubkey(269 + 128 * $0) }
    }

    public var fields: Fields {
        [
            ("whirlpools_config", .pubkey(whirlpoolsConfig)), ("whirlpool_bump", .u(whirlpoolBump)),
            ("tick_spacing", .u(tickSpacing)), ("fee_tier_index_seed", .u(feeTierIndexSeed)), ("fee_rate", .u(feeRate)),
            ("protocol_fee_rate", .u(protocolFeeRate)), ("liquidity", .u(liquidity)), ("sqrt_price", .u(sqrtPrice)),
            ("tick_current_index", .u(tickCurrentIndex)), ("protocol_fee_owed_a", .u(protocolFeeOwedA)),
            ("protocol_fee_owed_b", .u(protocolFeeOwedB)), ("token_mint_a", .pubkey(tokenMintA)),
            ("token_vault_a", .pubkey(tokenVaultA)), ("fee_growth_global_a", .u(feeGrowthGlobalA)),
            ("token_mint_b", .pubkey(tokenMintB)), ("token_vault_b", .pubkey(tokenVaultB)),
            ("fee_growth_global_b", .u(feeGrowthGlobalB)), ("reward_last_updated_timestamp", .u(rewardLastUpdatedTimestamp)),
            ("control_flags", .u(controlFlags)), ("reward_mints", .list(rewardMints.map { .pubkey($0) })),
            ("adaptive_fee", .bool(isAdaptiveFee)),
        ]
    }
}
