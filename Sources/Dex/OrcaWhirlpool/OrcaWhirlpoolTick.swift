import PoolMath
import SolanaCore

// Orca Whirlpool (whirLbMiicVdio4qvUfM5KAg6Ct8VwpYzGff3uctyCc): account layouts and the
// exact-in swap, from orca-so/whirlpools `programs/whirlpool/src` @630c0e01:
// state/{whirlpool,tick,fixed_tick_array,dynamic_tick_array,fee_tier,config,oracle}.rs,
// manager/{swap_manager,fee_rate_manager}.rs, util/{swap_tick_sequence,sparse_swap}.rs,
// instructions/v2/swap.rs. Offsets in dex-layouts.md §6.

/// One initialized tick's liquidity (`state/tick.rs`; fee/reward growth is not needed to quote).
public struct OrcaWhirlpoolTick: Sendable, Equatable {
    public var liquidityNet: Int128
    public var liquidityGross: UInt128
}
