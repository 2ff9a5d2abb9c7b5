import PoolMath
import SolanaCore

// Meteora DAMM v2 (cp-amm, `cpamdpZC…`). dex-layouts.md §8.
// Sources (MeteoraAg/damm-v2 @a3d3827, programs/cp-amm/src/): state/pool.rs (`Pool`, zero_copy, 1104 B + 8),
// state/fee.rs (`PoolFeesStruct`, `DynamicFeeStruct`, `FeeMode::get_fee_mode`), base_fee/*.rs (schedulers,
// rate limiter), liquidity_handler/{concentrated,compounding}_liquidity.rs, math/fee_math.rs, constants.rs,
// instructions/swap/{ix_p_swap.rs, swap_exact_in.rs}, pool_action_access/permissionless.rs.

/// The cp-amm `Pool` account (1112 bytes), decoded.
///
/// ```swift
/// let pool = try MeteoraDammV2PoolState(account)
/// print(pool.sqrtPrice, pool.collectFeeMode)
/// ```
public struct MeteoraDammV2PoolState: AnchorLayout, Equatable {
    public static let program = "meteora-damm-v2"
    public static let kind = "Pool"
    public static let programId = ProgramIds.meteoraDammV2
    public static let size = 1112
    /// sha256("account:Pool")[..8]; shared with DAMM v1 and PumpSwap, so owner + size tell them apart.
    public static let discriminator = "f19a6d0411b16dbc"

    public var address: Pubkey
    /// `BaseFeeInfo.data` (32 bytes @8): a scheduler / rate limiter, read by `baseFeeMode`.
    public var baseFeeData: [UInt8]
    public var cliffFeeNumerator: UInt64
    public var baseFeeMode: UInt8
    /// Time/market-cap scheduler view of the base fee data (fee_time_scheduler.rs, fee_market_cap_scheduler.rs).
    public var numberOfPeriod: UInt16
    public var periodFrequency: UInt64
    public var reductionFactor: UInt64
    public var protocolFeePercent: UInt8
    public var referralFeePercent: UInt8
    public var compoundingFeeBps: UInt16
    public var dynamicFee: DynamicFee
    public var initSqrtPrice: UInt128
    public var tokenAMint: Pubkey
    public var tokenBMint: Pubkey
    public var tokenAVault: Pubkey
    public var tokenBVault: Pubkey
    public var whitelistedVault: Pubkey
    public var liquidity: UInt128
    public var protocolAFee: UInt64
    public var protocolBFee: UInt64
    public var sqrtMinPrice: UInt128
    public var sqrtMaxPrice: UInt128
    public var sqrtPrice: UInt128
    public var activationPoint: UInt64
    public var activationType: UInt8
    public var poolStatus: UInt8
    /// 0 = SPL Token, 1 = Token-2022 (utils/token.rs `TokenProgramFlags`).
    public var tokenAFlag: UInt8
    public var tokenBFlag: UInt8
    /// 0 BothToken, 1 OnlyB, 2 Compounding.
    public var collectFeeMode: UInt8
    public var poolType: UInt8
    /// 0 → fee capped at 50 %, 1 → 99 % (constants.rs `get_max_fee_numerator`).
    public var feeVersion: UInt8
    public var permanentLockLiquidity: UInt128
    public var creator: Pubkey
    /// Tracked reserves (layout_version 1); the compounding curve trades on these.
    public var tokenAAmount: UInt64
    public var tokenBAmount: UInt64
    public var layoutVersion: UInt8

    /// `DynamicFeeStruct` (state/fee.rs), 96 bytes @56.
    public struct DynamicFee: Sendable, Equatable {
        public var initialized: UInt8
        public var maxVolatilityAccumulator: UInt32
        public var variableFeeControl: UInt32
        public var binStep: UInt16
        public var filterPeriod: UInt16
        public var decayPeriod: UInt16
        public var reductionFactor: UInt16
        public var lastUpdateTimestamp: UInt64
        public var binStepU128: UInt128
        public var sqrtPriceReference: UInt128
        public var volatilityAccumulator: UInt128
        public var volatilityReference: UInt128
    }

    public init(_ a: AccountData) throws {
        try Self.check(a)
        let r = ByteReader(a.data)
        address = a.address
        baseFeeData = Array(try r.slice(8, 32))
        cliffFeeNumerator = try r.u64(8)
        baseFeeMode = try r.u8(16)
        numberOfPeriod = try r.u16(22)
        periodFrequency = try r.u64(24)
        reductionFactor = try r.u64(32)
        protocolFeePercent = try r.u8(48)
        referralFeePercent = try r.u8(50)
        compoundingFeeBps = try r.u16(54)
        dynamicFee = DynamicFee(
            initialized: try r.u8(56), maxVolatilityAccumulator: try r.u32(64), variableFeeControl: try r.u32(68),
            binStep: try r.u16(72), filterPeriod: try r.u16(74), decayPeriod: try r.u16(76),
            reductionFactor: try r.u16(78), lastUpdateTimestamp: try r.u64(80), binStepU128: try r.u128(88),
            sqrtPriceReference: try r.u128(104), volatilityAccumulator: try r.u128(120),
            volatilityReference: try r.u128(136))
        initSqrtPrice = try r.u128(152)
        tokenAMint = try r.pubkey(168)
        tokenBMint = try r.pubkey(200)
        tokenAVault = try r.pubkey(232)
        tokenBVault = try r.pubkey(264)
        whitelistedVault = try r.pubkey(296)
        liquidity = try r.u128(360)
        protocolAFee = try r.u64(392)
        protocolBFee = try r.u64(400)
        sqrtMinPrice = try r.u128(424)
        sqrtMaxPrice = try r.u128(440)
        sqrtPrice = try r.u128(456)
        activationPoint = try r.u64(472)
        activationType = try r.u8(480)
        poolStatus = try r.u8(481)
        tokenAFlag = try r.u8(482)
        tokenBFlag = try r.u8(483)
        collectFeeMode = try r.u8(484)
        poolType = try r.u8(485)
        feeVersion = try r.u8(486)
        permanentLockLiquidity = try r.u128(552)
        creator = try r.pubkey(648)
        tokenAAmount = try r.u64(680)
        tokenBAmount = try r.u64(688)
        layoutVersion = try r.u8(696)
    }

    public var fields: Fields {
        let d = dynamicFee
        return [
            ("base_fee_data", .string(Hex.encode(baseFeeData))), ("cliff_fee_numerator", .u(cliffFeeNumerator)),
            ("base_fee_mode", .u(baseFeeMode)), ("number_of_period", .u(numberOfPeriod)),
            ("period_frequency", .u(periodFrequency)), ("reduction_factor", .u(reductionFactor)),
            ("protocol_fee_percent", .u(protocolFeePercent)), ("referral_fee_percent", .u(referralFeePercent)),
            ("compounding_fee_bps", .u(compoundingFeeBps)), ("dyn_initialized", .u(d.initialized)),
            ("max_volatility_accumulator", .u(d.maxVolatilityAccumulator)),
            ("variable_fee_control", .u(d.variableFeeControl)), ("dyn_bin_step", .u(d.binStep)),
            ("filter_period", .u(d.filterPeriod)), ("decay_period", .u(d.decayPeriod)),
            ("dyn_reduction_factor", .u(d.reductionFactor)), ("dyn_last_update_timestamp", .u(d.lastUpdateTimestamp)),
            ("volatility_accumulator", .u(d.volatilityAccumulator)), ("volatility_reference", .u(d.volatilityReference)),
            ("init_sqrt_price", .u(initSqrtPrice)),
            ("token_a_mint", .pubkey(tokenAMint)), ("token_b_mint", .pubkey(tokenBMint)),
            ("token_a_vault", .pubkey(tokenAVault)), ("token_b_vault", .pubkey(tokenBVault)),
            ("whitelisted_vault", .pubkey(whitelistedVault)), ("liquidity", .u(liquidity)),
            ("protocol_a_fee", .u(protocolAFee)), ("protocol_b_fee", .u(protocolBFee)),
            ("sqrt_min_price", .u(sqrtMinPrice)), ("sqrt_max_price", .u(sqrtMaxPrice)), ("sqrt_price", .u(sqrtPrice)),
            ("activation_point", .u(activationPoint)), ("activation_type", .u(activationType)),
            ("pool_status", .u(poolStatus)), ("token_a_flag", .u(tokenAFlag)), ("token_b_flag", .u(tokenBFlag)),
            ("collect_fee_mode", .u(collectFeeMode)), ("pool_type", .u(poolType)), ("fee_version", .u(feeVersion)),
            ("permanent_lock_liquidity", .u(permanentLockLiquidity)), ("creator", .pubkey(creator)),
            ("token_a_amount", .u(tokenAAmount)), ("token_b_amount", .u(tokenBAmount)),
            ("layout_version", .u(layoutVersion)),
        ]
    }
}
