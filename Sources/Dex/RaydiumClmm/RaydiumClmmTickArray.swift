import Foundation
import PoolMath
import SolanaCore

// Raydium CLMM (CAMMCzo5…): account decoders and the exact-in quoting model.
// Source of truth: raydium-io/raydium-clmm @03b44b7f, programs/amm/src/
//   states/{pool.rs, config.rs, tick_array.rs, tickarray_bitmap_extension.rs, pool_fee.rs, oracle.rs},
//   libraries/{tick_math, sqrt_price_math, liquidity_math, swap_math, tick_array_bit_map}.rs (ported in
//   PoolMath/ClmmMath.swift), instructions/swap.rs (`swap_internal`) and swap_v2.rs (transfer fees).
// Offsets: dex-layouts.md §5 (zero_copy packed structs, 8-byte Anchor discriminator first).

/// Raydium CLMM `TickArrayState` (10240 bytes): 60 ticks starting at `startTickIndex`.
/// PDA `["tick_array", pool, start_tick_index as 4-byte big-endian]`.
///
/// ```swift
/// let array = try RaydiumClmmTickArray(account)
/// let next = array.nextInitializedTick(from: -25038, tickSpacing: 1, zeroForOne: true)
/// ```
public struct RaydiumClmmTickArray: AnchorLayout, Equatable {
    public static let program = "raydium-clmm"
    public static let kind = "TickArrayState"
    public static let programId = ProgramIds.raydiumClmm
    public static let size = 10240
    public static let discriminator = "c09b55cd31f9812a"
    static let tickSize = 168

    public var address: Pubkey
    public var poolId: Pubkey
    public var startTickIndex: Int32
    public var ticks: [RaydiumClmmTick]
    public var initializedTickCount: UInt8
    public var recentEpoch: UInt64

    public init(_ a: AccountData) throws {
        try Self.check(a)
        let r = ByteReader(a.data)
        address = a.address
        poolId = try r.pubkey(8)
        startTickIndex = try r.i32(40)
        ticks = try (0..<60).map { i in
            let o = 44 + i * Self.tickSize
            return RaydiumClmmTick(
                tick: try r.i32(o), liquidityNet: try r.i128(o + 4), liquidityGross: try r.u128(o + 20),
                ordersAmount: try r.u64(o + 124), partFilledOrdersRemaining: try r.u64(o + 132))
        }
        initializedTickCount = try r.u8(10124)
        recentEpoch = try r.u64(10125)
    }

    /// `TickArrayState::next_initialized_tick`: the nearest initialized tick at or below (0→1) / above (1→0)
    /// `current`, only when `current` lies in this array.
    public func nextInitializedTick(from current: Int32, tickSpacing ts: UInt16, zeroForOne: Bool) -> RaydiumClmmTick? {
        guard ts > 0, ClmmGeometry.arrayStart(Int64(current), ts) == Int64(startTickIndex) else { return nil }
        let offset = Int((Int64(current) - Int64(startTickIndex)) / Int64(ts))
        guard offset >= 0 && offset < 60 else { return nil }
        if zeroForOne {
            for i in stride(from: offset, through: 0, by: -1) where ticks[i].isInitialized { return ticks[i] }
        } else {
            for i in (offset + 1)..<60 where ticks[i].isInitialized { return ticks[i] }
        }
        return nil
    }

    /// `TickArrayState::first_initialized_tick`: highest (0→1) / lowest (1→0) initialized tick; the program
    /// errors `InvalidTickArray` when there is none.
    func firstInitializedTick(zeroForOne: Bool) throws -> RaydiumClmmTick {
        let found = zeroForOne ? ticks.last(where: \.isInitialized) : ticks.first(where: \.isInitialized)
        guard let t = found else {
            throw QuoteError.invalidAccount(
                role: "tick array", address: address,
                reason: "marked initialized in the bitmap but holds no initialized tick")
        }
        return t
    }

    public var fields: Fields {
        var sum: Int128 = 0
        var overflow = false
        for t in ticks {
            let (s, o) = sum.addingReportingOverflow(t.liquidityNet)
            sum = s; overflow = overflow || o
        }
        return [
            ("pool_id", .pubkey(poolId)), ("start_tick_index", .u(startTickIndex)),
            ("initialized_tick_count", .u(initializedTickCount)),
            ("ticks_with_liquidity", .u(ticks.filter(\.hasLiquidity).count)),
            ("ticks_with_limit_orders", .u(ticks.filter(\.hasLimitOrders).count)),
            ("sum_liquidity_net", overflow ? .string("overflow") : .u(sum)), ("recent_epoch", .u(recentEpoch)),
        ]
    }
}
