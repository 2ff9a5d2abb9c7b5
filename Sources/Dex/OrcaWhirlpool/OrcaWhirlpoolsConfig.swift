import PoolMath
import SolanaCore

// Orca Whirlpool (whirLbMiicVdio4qvUfM5KAg6Ct8VwpYzGff3uctyCc): account layouts and the
// exact-in swap, from orca-so/whirlpools `programs/whirlpool/src` @630c0e01:
// state/{whirlpool,tick,fixed_tick_array,dynamic_tick_array,fee_tier,config,oracle}.rs,
// manager/{swap_manager,fee_rate_manager}.rs, util/{swap_tick_sequence,sparse_swap}.rs,
// instructions/v2/swap.rs. Offsets in dex-layouts.md §6.

/// WhirlpoolsConfig (108 B, `state/config.rs`): authorities and the default protocol fee.
///
/// ```swift
/// let config = try OrcaWhirlpoolsConfig(account); print(config.defaultProtocolFeeRate)
/// ```
public struct OrcaWhirlpoolsConfig: AnchorLayout, Equatable {
    public static let program = "orca-whirlpool"
    public static let kind = "WhirlpoolsConfig"
    public static let programId = ProgramIds.orcaWhirlpool
    public static let size = 108  // 8 + 96 + 4
    public static let discriminator = "9d1431e0d957c1fe"
    public var feeAuthority: Pubkey
    public var collectProtocolFeesAuthority: Pubkey
    public var rewardEmissionsSuperAuthority: Pubkey
    public var defaultProtocolFeeRate: UInt16
    public var featureFlags: UInt16

    public init(_ a: AccountData) throws {
        try Self.check(a)
        let r = ByteReader(a.data)
        feeAuthority = try r.pubkey(8)
        collectProtocolFeesAuthority = try r.pubkey(40)
        rewardEmissionsSuperAuthority = try r.pubkey(72)
        defaultProtocolFeeRate = try r.u16(104)
        featureFlags = try r.u16(106)
    }
    public var fields: Fields {
        [
            ("fee_authority", .pubkey(feeAuthority)), ("collect_protocol_fees_authority", .pubkey(collectProtocolFeesAuthority)),
            ("reward_emissions_super_authority", .pubkey(rewardEmissionsSuperAuthority)),
            ("default_protocol_fee_rate", .u(defaultProtocolFeeRate)), ("feature_flags", .u(featureFlags)),
        ]
    }
}
