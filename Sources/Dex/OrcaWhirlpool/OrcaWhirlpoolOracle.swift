import PoolMath
import SolanaCore

// Orca Whirlpool (whirLbMiicVdio4qvUfM5KAg6Ct8VwpYzGff3uctyCc): account layouts and the
// exact-in swap, from orca-so/whirlpools `programs/whirlpool/src` @630c0e01:
// state/{whirlpool,tick,fixed_tick_array,dynamic_tick_array,fee_tier,config,oracle}.rs,
// manager/{swap_manager,fee_rate_manager}.rs, util/{swap_tick_sequence,sparse_swap}.rs,
// instructions/v2/swap.rs. Offsets in dex-layouts.md §6.

/// The adaptive-fee Oracle (254 B, `state/oracle.rs`, PDA ["oracle", whirlpool]): trade-enable
/// time plus the adaptive fee constants and variables.
///
/// ```swift
/// let oracle = try OrcaWhirlpoolOracle(account); print(oracle.volatilityAccumulator)
/// ```
public struct OrcaWhirlpoolOracle: AnchorLayout, Equatable {
    public static let program = "orca-whirlpool"
    public static let kind = "Oracle"
    public static let programId = ProgramIds.orcaWhirlpool
    public static let size = 254  // 8 + 32 + 8 + 34 + 44 + 128
    public static let discriminator = "8bc283b38cb3e5f4"
    public var whirlpool: Pubkey
    public var tradeEnableTimestamp: UInt64
    // AdaptiveFeeConstants @48
    public var filterPeriod: UInt16
    public var decayPeriod: UInt16
    public var reductionFactor: UInt16
    public var adaptiveFeeControlFactor: UInt32
    public var maxVolatilityAccumulator: UInt32
    public var tickGroupSize: UInt16
    public var majorSwapThresholdTicks: UInt16
    // AdaptiveFeeVariables @82
    public var lastReferenceUpdateTimestamp: UInt64
    public var lastMajorSwapTimestamp: UInt64
    public var volatilityReference: UInt32
    public var tickGroupIndexReference: Int32
    public var volatilityAccumulator: UInt32

    public init(_ a: AccountData) throws {
        try Self.check(a)
        let r = ByteReader(a.data)
        whirlpool = try r.pubkey(8)
        tradeEnableTimestamp = try r.u64(40)
        filterPeriod = try r.u16(48)
        decayPeriod = try r.u16(50)
        reductionFactor = try r.u16(52)
        adaptiveFeeControlFactor = try r.u32(54)
        maxVolatilityAccumulator = try r.u32(58)
        tickGroupSize = try r.u16(62)
        majorSwapThresholdTicks = try r.u16(64)
        lastReferenceUpdateTimestamp = try r.u64(82)
        lastMajorSwapTimestamp = try r.u64(90)
        volatilityReference = try r.u32(98)
        tickGroupIndexReference = try r.i32(102)
        volatilityAccumulator = try r.u32(106)
    }
    public var fields: Fields {
        [
            ("whirlpool", .pubkey(whirlpool)), ("trade_enable_timestamp", .u(tradeEnableTimestamp)),
            ("filter_period", .u(filterPeriod)), ("decay_period", .u(decayPeriod)), ("reduction_factor", .u(reductionFactor)),
            ("adaptive_fee_control_factor", .u(adaptiveFeeControlFactor)), ("max_volatility_accumulator", .u(maxVolatilityAccumulator)),
            ("tick_group_size", .u(tickGroupSize)), ("major_swap_threshold_ticks", .u(majorSwapThresholdTicks)),
            ("last_reference_update_timestamp", .u(lastReferenceUpdateTimestamp)), ("last_major_swap_timestamp", .u(lastMajorSwapTimestamp)),
            ("volatility_reference", .u(volatilityReference)), ("tick_group_index_reference", .u(tickGroupIndexReference)),
            ("volatility_accumulator", .u(volatilityAccumulator)),
        ]
    }
}

extension OrcaWhirlpoolOracle: WhirlpoolAdaptiveFeeParameters {}
