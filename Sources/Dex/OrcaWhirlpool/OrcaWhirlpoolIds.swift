import PoolMath
import SolanaCore

// Orca Whirlpool (whirLbMiicVdio4qvUfM5KAg6Ct8VwpYzGff3uctyCc): account layouts and the
// exact-in swap, from orca-so/whirlpools `programs/whirlpool/src` @630c0e01:
// state/{whirlpool,tick,fixed_tick_array,dynamic_tick_array,fee_tier,config,oracle}.rs,
// manager/{swap_manager,fee_rate_manager}.rs, util/{swap_tick_sequence,sparse_swap}.rs,
// instructions/v2/swap.rs. Offsets in dex-layouts.md §6.

enum OrcaWhirlpoolIds {
    static let program = ProgramIds.orcaWhirlpool
    /// The system program (all-zero key): owner of a never-created (sparse) tick array or oracle.
    static let systemProgram = Pubkey.zero
    static let ticksPerArray = 88  // TICK_ARRAY_SIZE (tick_array.rs)
}
