import Foundation
import PoolMath
import SolanaCore

// Raydium CLMM (CAMMCzo5…): account decoders and the exact-in quoting model.
// Source of truth: raydium-io/raydium-clmm @03b44b7f, programs/amm/src/
//   states/{pool.rs, config.rs, tick_array.rs, tickarray_bitmap_extension.rs, pool_fee.rs, oracle.rs},
//   libraries/{tick_math, sqrt_price_math, liquidity_math, swap_math, tick_array_bit_map}.rs (ported in
//   PoolMath/ClmmMath.swift), instructions/swap.rs (`swap_internal`) and swap_v2.rs (transfer fees).
// Offsets: dex-layouts.md §5 (zero_copy packed structs, 8-byte Anchor discriminator first).

/// Raydium CLMM `ObservationState` (4483 bytes, oracle.rs): checked and identified only; quotes do not read it.
///
/// ```swift
/// let obs = try RaydiumClmmObservationState(account)
/// obs.poolId
/// ```
public struct RaydiumClmmObservationState: AnchorLayout, Equatable {
    public static let program = "raydium-clmm"
    public static let kind = "ObservationState"
    public static let programId = ProgramIds.raydiumClmm
    public static let size = 4483
    public static let discriminator = "7aaec5358109a584"

    public var initialized: Bool
    public var observationIndex: UInt16
    public var poolId: Pubkey

    public init(_ a: AccountData) throws {
        try Self.check(a)
        let r = ByteReader(a.data)
        initialized = try r.bool(8)
        observationIndex = try r.u16(17)
        poolId = try r.pubkey(19)
    }

    public var fields: Fields {
        [("initialized", .bool(initialized)), ("observation_index", .u(observationIndex)), ("pool_id", .pubkey(poolId))]
    }
}
