import PoolMath
import SolanaCore

// Orca Whirlpool (whirLbMiicVdio4qvUfM5KAg6Ct8VwpYzGff3uctyCc): account layouts and the
// exact-in swap, from orca-so/whirlpools `programs/whirlpool/src` @630c0e01:
// state/{whirlpool,tick,fixed_tick_array,dynamic_tick_array,fee_tier,config,oracle}.rs,
// manager/{swap_manager,fee_rate_manager}.rs, util/{swap_tick_sequence,sparse_swap}.rs,
// instructions/v2/swap.rs. Offsets in dex-layouts.md §6.

/// FeeTier (44 B, `state/fee_tier.rs`): the default fee for a tick spacing under a config.
///
/// ```swift
/// let tier = try OrcaWhirlpoolFeeTier(account); print(tier.defaultFeeRate)
/// ```
public struct OrcaWhirlpoolFeeTier: AnchorLayout, Equatable {
    public static let program = "orca-whirlpool"
    public static let kind = "FeeTier"
    public static let programId = ProgramIds.orcaWhirlpool
    public static let size = 44
    public static let discriminator = "384b9f4c8e44be69"
    public var whirlpoolsConfig: Pubkey
    public var tickSpacing: UInt16
    public var defaultFeeRate: UInt16

    public init(_ a: AccountData) throws {
        try Self.check(a)
        let r = ByteReader(a.data)
        whirlpoolsConfig = try r.pubkey(8)
        tickSpacing = try r.u16(40)
        defaultFeeRate = try r.u16(42)
    }
    public var fields: Fields {
        [("whirlpools_config", .pubkey(whirlpoolsConfig)), ("tick_spacing", .u(tickSpacing)), ("default_fee_rate", .u(defaultFeeRate))]
    }
}
