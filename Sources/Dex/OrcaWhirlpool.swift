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

// MARK: - Whirlpool (pool state)

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
        [("whirlpools_config", .pubkey(whirlpoolsConfig)), ("whirlpool_bump", .u(whirlpoolBump)),
         ("tick_spacing", .u(tickSpacing)), ("fee_tier_index_seed", .u(feeTierIndexSeed)), ("fee_rate", .u(feeRate)),
         ("protocol_fee_rate", .u(protocolFeeRate)), ("liquidity", .u(liquidity)), ("sqrt_price", .u(sqrtPrice)),
         ("tick_current_index", .u(tickCurrentIndex)), ("protocol_fee_owed_a", .u(protocolFeeOwedA)),
         ("protocol_fee_owed_b", .u(protocolFeeOwedB)), ("token_mint_a", .pubkey(tokenMintA)),
         ("token_vault_a", .pubkey(tokenVaultA)), ("fee_growth_global_a", .u(feeGrowthGlobalA)),
         ("token_mint_b", .pubkey(tokenMintB)), ("token_vault_b", .pubkey(tokenVaultB)),
         ("fee_growth_global_b", .u(feeGrowthGlobalB)), ("reward_last_updated_timestamp", .u(rewardLastUpdatedTimestamp)),
         ("control_flags", .u(controlFlags)), ("reward_mints", .list(rewardMints.map { .pubkey($0) })),
         ("adaptive_fee", .bool(isAdaptiveFee))]
    }
}

// MARK: - Tick arrays (fixed and dynamic)

/// One initialized tick's liquidity (`state/tick.rs`; fee/reward growth is not needed to quote).
public struct OrcaWhirlpoolTick: Sendable, Equatable {
    public var liquidityNet: Int128
    public var liquidityGross: UInt128
}

/// A Whirlpool tick array, either layout: the fixed `TickArray` (9988 B, `fixed_tick_array.rs`)
/// or the variable-size `DynamicTickArray` (148…10004 B, `dynamic_tick_array.rs`). Both hold 88
/// ticks spaced `tick_spacing` apart from `start_tick_index`; uninitialized ticks are nil.
///
/// ```swift
/// let array = try OrcaWhirlpoolTickArray(account)
/// let next = array.ticks.firstIndex { $0 != nil }
/// ```
public struct OrcaWhirlpoolTickArray: AccountLayout, Equatable {
    public static let program = "orca-whirlpool"
    public static let kind = "TickArray"
    public static let fixedSize = 9988  // 8 + 36 + 113 * 88
    public static let fixedDiscriminator = "4561bdbe6e0742bb"  // sha256("account:TickArray")
    public static let dynamicDiscriminator = "11d8f68ee1c7da38"  // sha256("account:DynamicTickArray")
    public static let dynamicMinSize = 8 + 4 + 32 + 16 + 88  // DynamicTickArray::MIN_LEN = 148
    public static let dynamicMaxSize = 8 + 4 + 32 + 16 + 113 * 88  // MAX_LEN = 10004

    public var address: Pubkey
    public var isDynamic: Bool
    public var whirlpool: Pubkey
    public var startTickIndex: Int32
    /// 88 entries; nil = uninitialized tick.
    public var ticks: [OrcaWhirlpoolTick?]

    public static func matches(_ a: AccountData) -> Bool {
        guard a.owner == ProgramIds.orcaWhirlpool else { return false }
        if a.data.count == fixedSize && LayoutCheck.hasDiscriminator(a, fixedDiscriminator) { return true }
        return (dynamicMinSize...dynamicMaxSize).contains(a.data.count) && LayoutCheck.hasDiscriminator(a, dynamicDiscriminator)
    }

    public init(_ a: AccountData) throws {
        try LayoutCheck.owner(a, ProgramIds.orcaWhirlpool, kind: Self.kind)
        self = LayoutCheck.hasDiscriminator(a, Self.dynamicDiscriminator) ? try Self.dynamic(a) : try Self.fixed(a)
    }

    init(address: Pubkey, isDynamic: Bool, whirlpool: Pubkey, startTickIndex: Int32, ticks: [OrcaWhirlpoolTick?]) {
        self.address = address; self.isDynamic = isDynamic; self.whirlpool = whirlpool
        self.startTickIndex = startTickIndex; self.ticks = ticks
    }

    /// Fixed TickArray: start_tick_index i32 @8; ticks[88] @12, 113 B each (initialized u8,
    /// liquidity_net i128 +1, liquidity_gross u128 +17, …); whirlpool @9956 (#[repr(C, packed)]).
    static func fixed(_ a: AccountData) throws -> Self {
        try LayoutCheck.size(a, exactly: fixedSize, kind: "TickArray(fixed)")
        try LayoutCheck.discriminator(a, fixedDiscriminator, kind: "TickArray(fixed)")
        let r = ByteReader(a.data)
        let ticks: [OrcaWhirlpoolTick?] = try (0..<OrcaWhirlpoolIds.ticksPerArray).map { i in
            let o = 12 + 113 * i
            guard try r.bool(o) else { return nil }
            return OrcaWhirlpoolTick(liquidityNet: try r.i128(o + 1), liquidityGross: try r.u128(o + 17))
        }
        return Self(address: a.address, isDynamic: false, whirlpool: try r.pubkey(9956), startTickIndex: try r.i32(8), ticks: ticks)
    }

    /// DynamicTickArray: start i32 @8, whirlpool @12, tick_bitmap u128 @44, then 88 Borsh
    /// `DynamicTick` entries from @60, each 0x00 or 0x01 + 112 bytes; must be read in order.
    static func dynamic(_ a: AccountData) throws -> Self {
        let kind = "DynamicTickArray"
        try LayoutCheck.size(a, atLeast: dynamicMinSize, kind: kind)
        guard a.data.count <= dynamicMaxSize else {
            throw DecodeError.wrongSize(kind: kind, expected: "\(dynamicMinSize)...\(dynamicMaxSize)", got: a.data.count)
        }
        try LayoutCheck.discriminator(a, dynamicDiscriminator, kind: kind)
        let r = ByteReader(a.data)
        let bitmap = try r.u128(44)
        guard bitmap >> 88 == 0 else {
            throw DecodeError.invalidField(kind: kind, field: "tick_bitmap", reason: "bits above 87 are set")
        }
        var o = 60
        var ticks: [OrcaWhirlpoolTick?] = []
        ticks.reserveCapacity(OrcaWhirlpoolIds.ticksPerArray)
        for i in 0..<OrcaWhirlpoolIds.ticksPerArray {
            let tag = try r.u8(o)
            switch tag {
            case 0:
                ticks.append(nil); o += 1
            case 1:
                ticks.append(OrcaWhirlpoolTick(liquidityNet: try r.i128(o + 1), liquidityGross: try r.u128(o + 17)))
                o += 113
            default:
                throw DecodeError.invalidField(kind: kind, field: "ticks[\(i)]", reason: "enum tag \(tag) is not 0 or 1")
            }
            // The program finds ticks through tick_bitmap and byte offsets derived from it; both
            // views agree on any account it wrote, so a disagreement means corrupt data.
            guard ((bitmap >> UInt128(i)) & 1 == 1) == (tag == 1) else {
                throw DecodeError.invalidField(kind: kind, field: "tick_bitmap", reason: "bit \(i) disagrees with tick entry")
            }
        }
        return Self(address: a.address, isDynamic: true, whirlpool: try r.pubkey(12), startTickIndex: try r.i32(8), ticks: ticks)
    }

    public var initializedTickCount: Int { ticks.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }

    /// Sum of liquidity_net over initialized ticks; nil if it does not fit i128 (corrupt data).
    public var sumLiquidityNet: Int128? {
        var sum: Int128 = 0
        for case let t? in ticks {
            let (s, o) = sum.addingReportingOverflow(t.liquidityNet)
            if o { return nil }
            sum = s
        }
        return sum
    }

    public var fields: Fields {
        [("layout", .string(isDynamic ? "dynamic" : "fixed")), ("whirlpool", .pubkey(whirlpool)),
         ("start_tick_index", .u(startTickIndex)), ("initialized_ticks", .u(initializedTickCount)),
         ("sum_liquidity_net", sumLiquidityNet.map { .u($0) } ?? .string("overflow"))]
    }

    /// `Tick::check_is_valid_start_tick` (tick.rs): a multiple of 88·spacing, or the one
    /// left-edge array that starts below MIN_TICK_INDEX.
    public static func isValidStart(_ start: Int, tickSpacing: Int) -> Bool {
        let ticksInArray = OrcaWhirlpoolIds.ticksPerArray * tickSpacing
        guard ticksInArray > 0 else { return false }
        if start < WhirlpoolMath.minTick || start > WhirlpoolMath.maxTick {
            if start > WhirlpoolMath.minTick { return false }
            let minArrayStart = WhirlpoolMath.minTick - (WhirlpoolMath.minTick % ticksInArray + ticksInArray)
            return start == minArrayStart
        }
        return start % ticksInArray == 0
    }
}

// MARK: - FeeTier, WhirlpoolsConfig, Oracle

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
        [("fee_authority", .pubkey(feeAuthority)), ("collect_protocol_fees_authority", .pubkey(collectProtocolFeesAuthority)),
         ("reward_emissions_super_authority", .pubkey(rewardEmissionsSuperAuthority)),
         ("default_protocol_fee_rate", .u(defaultProtocolFeeRate)), ("feature_flags", .u(featureFlags))]
    }
}

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
        [("whirlpool", .pubkey(whirlpool)), ("trade_enable_timestamp", .u(tradeEnableTimestamp)),
         ("filter_period", .u(filterPeriod)), ("decay_period", .u(decayPeriod)), ("reduction_factor", .u(reductionFactor)),
         ("adaptive_fee_control_factor", .u(adaptiveFeeControlFactor)), ("max_volatility_accumulator", .u(maxVolatilityAccumulator)),
         ("tick_group_size", .u(tickGroupSize)), ("major_swap_threshold_ticks", .u(majorSwapThresholdTicks)),
         ("last_reference_update_timestamp", .u(lastReferenceUpdateTimestamp)), ("last_major_swap_timestamp", .u(lastMajorSwapTimestamp)),
         ("volatility_reference", .u(volatilityReference)), ("tick_group_index_reference", .u(tickGroupIndexReference)),
         ("volatility_accumulator", .u(volatilityAccumulator))]
    }
}

// MARK: - Pool model

/// A Whirlpool's quoting model: the pool, its vaults and mints (decimals, Token-2022 transfer
/// fees), the tick arrays around the current tick, and (adaptive-fee pools) the Oracle.
/// Mints are always watched because the Whirlpool account holds no decimals; the
/// WhirlpoolsConfig/FeeTier are not, since the live fee rates are stored in the pool itself.
/// The on-chain swap walks at most 3 arrays; this model keeps walking into further applied
/// arrays (identically to a longer `SwapTickSequence`) and reports a partial fill naming the
/// first array it lacks. A never-created array is applied as an empty system-owned account.
///
/// ```swift
/// var pool = try OrcaWhirlpoolPool(pool: whirlpoolAccount)
/// for key in pool.accountsToWatch() { if let a = store[key] { _ = try pool.apply(a) } }
/// let q = try pool.quote(amountIn: 1_000_000_000, inputMint: KnownMints.wsol, context: .init())
/// ```
public struct OrcaWhirlpoolPool: PoolModel {
    public static let dex = DexKind.orcaWhirlpool
    /// Arrays watched on each side of the current one.
    public static let arraysEachSide = 3
    /// Far more swap steps than any real walk (7 arrays × 88 ticks × tick groups) can take.
    static let maxSwapSteps = 200_000

    enum TickArraySlot: Sendable, Equatable {
        case loaded(OrcaWhirlpoolTickArray)
        /// The PDA exists only as an empty system account: the program treats it as all-zero ("sparse swap").
        case uninitialized
    }

    public let address: Pubkey
    public private(set) var state: OrcaWhirlpoolState
    var vaultA: Dependent<TokenAccount>
    var vaultB: Dependent<TokenAccount>
    var mintAccountA: Dependent<TokenMint>
    var mintAccountB: Dependent<TokenMint>
    var oracle: Dependent<OrcaWhirlpoolOracle>?
    /// The adaptive-fee oracle PDA, when the pool has one.
    public var oracleAddress: Pubkey? { oracle?.address }
    var oracleUninitialized = false
    /// Tick arrays by start tick index.
    var tickArrays: [Int: TickArraySlot] = [:]
    /// Tick-array PDAs by start index (derivation is ~hundreds of SHA-256s worst case; cache it).
    var tickArrayAddresses: [Int: Pubkey] = [:]
    var startByAddress: [Pubkey: Int] = [:]

    public var mintA: Pubkey { state.tokenMintA }
    public var mintB: Pubkey { state.tokenMintB }
    var tickSpacing: Int { Int(state.tickSpacing) }
    var ticksInArray: Int { OrcaWhirlpoolIds.ticksPerArray * tickSpacing }

    public static func isPool(_ account: AccountData) -> Bool { OrcaWhirlpoolState.matches(account) }

    public init(pool account: AccountData) throws {
        let s = try Self.decodePool(account)
        address = account.address
        state = s
        vaultA = Dependent(address: s.tokenVaultA, role: "token vault A")
        vaultB = Dependent(address: s.tokenVaultB, role: "token vault B")
        mintAccountA = Dependent(address: s.tokenMintA, role: "token mint A")
        mintAccountB = Dependent(address: s.tokenMintB, role: "token mint B")
        if s.isAdaptiveFee, let (key, _) = ProgramAddress.find(seeds: [Array("oracle".utf8), account.address.bytes], programId: OrcaWhirlpoolIds.program) {
            oracle = Dependent(address: key, role: "oracle")
        }
        deriveWindow()
    }

    /// Decodes and sanity-checks the fields the model does arithmetic with.
    static func decodePool(_ account: AccountData) throws -> OrcaWhirlpoolState {
        let s = try OrcaWhirlpoolState(account)
        guard s.tickSpacing > 0 else {
            throw DecodeError.invalidField(kind: OrcaWhirlpoolState.kind, field: "tick_spacing", reason: "0")
        }
        guard (WhirlpoolMath.minTick...WhirlpoolMath.maxTick).contains(Int(s.tickCurrentIndex)) else {
            throw DecodeError.invalidField(kind: OrcaWhirlpoolState.kind, field: "tick_current_index", reason: "\(s.tickCurrentIndex) out of range")
        }
        return s
    }

    /// Start index of the array holding the current tick (`get_start_tick_indexes` base).
    var currentArrayStart: Int { WhirlpoolMath.floorDivision(Int(state.tickCurrentIndex), ticksInArray) * ticksInArray }

    /// The current array and `arraysEachSide` on each side (valid starts only).
    var windowStarts: [Int] {
        let base = currentArrayStart
        return (-Self.arraysEachSide...Self.arraysEachSide).map { base + $0 * ticksInArray }
            .filter { OrcaWhirlpoolTickArray.isValidStart($0, tickSpacing: tickSpacing) }
    }

    mutating func deriveWindow() {
        for start in windowStarts where tickArrayAddresses[start] == nil {
            if let key = Self.tickArrayAddress(pool: address, start: start) {
                tickArrayAddresses[start] = key
                startByAddress[key] = start
            }
        }
    }

    /// PDA ["tick_array", whirlpool, start_tick_index.to_string()] (`sparse_swap.rs::derive_tick_array_pda`).
    public static func tickArrayAddress(pool: Pubkey, start: Int) -> Pubkey? {
        ProgramAddress.find(seeds: [Array("tick_array".utf8), pool.bytes, Array(String(start).utf8)],
                            programId: OrcaWhirlpoolIds.program)?.0
    }

    func address(ofArray start: Int) -> Pubkey? { tickArrayAddresses[start] ?? Self.tickArrayAddress(pool: address, start: start) }

    public func accountsToWatch() -> [Pubkey] {
        var keys = [state.tokenVaultA, state.tokenVaultB, state.tokenMintA, state.tokenMintB]
        if let o = oracle { keys.append(o.address) }
        keys += windowStarts.compactMap { tickArrayAddresses[$0] }
        return keys
    }

    public mutating func apply(_ account: AccountData) throws -> Bool {
        if account.address == address {
            let s = try Self.decodePool(account)
            guard s.tickSpacing == state.tickSpacing, s.tokenMintA == state.tokenMintA, s.tokenMintB == state.tokenMintB else {
                throw QuoteError.invalidAccount(role: "whirlpool", address: address, reason: "tick spacing or mints changed")
            }
            state = s
            deriveWindow()
            // Arrays that left the watch window stop being updated; drop them rather than quote on stale ticks.
            let keep = Set(windowStarts)
            tickArrays = tickArrays.filter { keep.contains($0.key) }
            return true
        }
        if try vaultA.apply(account) || vaultB.apply(account) || mintAccountA.apply(account) || mintAccountB.apply(account) {
            return true
        }
        if var o = oracle, account.address == o.address {
            if account.owner == OrcaWhirlpoolIds.systemProgram && account.data.isEmpty {
                oracleUninitialized = true
                return true
            }
            _ = try o.apply(account)
            guard try o.get().whirlpool == address else {
                throw QuoteError.invalidAccount(role: "oracle", address: o.address, reason: "belongs to another whirlpool")
            }
            oracle = o
            oracleUninitialized = false
            return true
        }
        return try applyTickArray(account)
    }

    mutating func applyTickArray(_ account: AccountData) throws -> Bool {
        let knownStart = startByAddress[account.address]
        if let start = knownStart, account.owner == OrcaWhirlpoolIds.systemProgram && account.data.isEmpty {
            tickArrays[start] = .uninitialized
            return true
        }
        let array: OrcaWhirlpoolTickArray
        if knownStart != nil {
            do { array = try OrcaWhirlpoolTickArray(account) } catch let e as DecodeError {
                throw QuoteError.invalidAccount(role: "tick array", address: account.address, reason: e.description)
            }
        } else {
            // Not one of our derived addresses: only take it if it is a tick array of this pool.
            guard OrcaWhirlpoolTickArray.matches(account), let a = try? OrcaWhirlpoolTickArray(account), a.whirlpool == address else {
                return false
            }
            array = a
        }
        guard array.whirlpool == address else {
            throw QuoteError.invalidAccount(role: "tick array", address: account.address,
                                            reason: "belongs to whirlpool \(array.whirlpool), not \(address)")
        }
        let start = Int(array.startTickIndex)
        guard OrcaWhirlpoolTickArray.isValidStart(start, tickSpacing: tickSpacing) else {
            throw QuoteError.invalidAccount(role: "tick array", address: account.address,
                                            reason: "start tick index \(start) is not aligned to 88 × tick spacing \(tickSpacing)")
        }
        if let k = knownStart {
            guard k == start else {
                throw QuoteError.invalidAccount(role: "tick array", address: account.address,
                                                reason: "start tick index \(start) does not match its address (PDA of \(k))")
            }
        } else {
            guard Self.tickArrayAddress(pool: address, start: start) == account.address else {
                throw QuoteError.invalidAccount(role: "tick array", address: account.address,
                                                reason: "address is not the PDA of start tick index \(start)")
            }
            tickArrayAddresses[start] = account.address
            startByAddress[account.address] = start
        }
        tickArrays[start] = .loaded(array)
        return true
    }

    // MARK: price

    /// B per A in human units from a Q64.64 sqrt price: sp² / 2^128 · 10^(decA − decB).
    static func priceBPerA(sqrtPrice: UInt128, decimalsA: UInt8, decimalsB: UInt8) -> Ratio {
        Ratio.squaredQ64(sqrtPrice).scaled(byPow10: Int(decimalsA) - Int(decimalsB))
    }

    public func price(context: QuoteContext) throws -> PoolPrice {
        let ma = try mintAccountA.get(), mb = try mintAccountB.get()
        return PoolPrice(mintA: mintA, mintB: mintB, decimalsA: ma.decimals, decimalsB: mb.decimals,
                         reserveA: vaultA.value?.amount, reserveB: vaultB.value?.amount,
                         priceBPerA: Self.priceBPerA(sqrtPrice: state.sqrtPrice, decimalsA: ma.decimals, decimalsB: mb.decimals))
    }

    // MARK: quote

    public func quote(amountIn: UInt64, inputMint: Pubkey, context: QuoteContext) throws -> Quote {
        let aToB = try isAToB(inputMint)
        guard amountIn > 0 else { throw QuoteError.zeroAmount }
        let ma = try mintAccountA.get(), mb = try mintAccountB.get()
        let (inMint, outMint) = aToB ? (ma, mb) : (mb, ma)

        // Adaptive-fee pools: the Oracle gates trading (OracleAccessor::is_trade_enabled) and
        // feeds the fee manager; an uninitialized oracle means a static fee.
        var adaptiveOracle: OrcaWhirlpoolOracle?
        if let o = oracle, !oracleUninitialized {
            let info = try o.get()
            guard info.tradeEnableTimestamp <= UInt64(max(context.now, 0)) else {
                throw QuoteError.swapDisabled("trading starts at \(info.tradeEnableTimestamp)")
            }
            adaptiveOracle = info
        }

        // swap_with_transfer_fee_extension (ExactIn): the pool only receives the input net of
        // the Token-2022 transfer fee; the user receives the output net of the output mint's fee.
        let inputTransferFee = inMint.transferFee(on: amountIn, epoch: context.epoch)
        guard inputTransferFee <= amountIn else { throw QuoteError.mathOverflow("input transfer fee") }
        let swapInput = amountIn - inputTransferFee
        guard swapInput > 0 else { throw QuoteError.zeroOutput }

        let result: SwapResult
        do {
            result = try swap(amount: swapInput, aToB: aToB, timestamp: UInt64(max(context.now, 0)), oracle: adaptiveOracle)
        } catch let e as WhirlpoolMathError {
            throw QuoteError.mathOverflow(e.description)
        }

        let outputTransferFee = outMint.transferFee(on: result.amountOut, epoch: context.epoch)
        let amountOut = result.amountOut - min(outputTransferFee, result.amountOut)

        var partial: PartialFill?
        if result.amountRemaining > 0 {
            let consumed = swapInput - result.amountRemaining
            // The program charges the transfer fee on what it actually pulls (transfer-fee-included amount).
            let inverseFee = consumed == 0 ? 0 : inMint.transferFeeConfig?.fee(forEpoch: context.epoch).inverseFee(forNet: consumed) ?? 0
            let (filled, overflow) = consumed.addingReportingOverflow(inverseFee)
            guard !overflow else { throw QuoteError.mathOverflow("transfer fee included input") }
            partial = PartialFill(filledIn: filled, nextMissingAccount: result.nextMissingArray, reason: result.stopReason)
        }

        let before = Self.priceBPerA(sqrtPrice: state.sqrtPrice, decimalsA: ma.decimals, decimalsB: mb.decimals)
        let after = Self.priceBPerA(sqrtPrice: result.sqrtPrice, decimalsA: ma.decimals, decimalsB: mb.decimals)
        // swap + post_swap_update: vaults move by the pool-side amounts; the protocol share of each
        // step's fee accrues in protocol_fee_owed of the input token; adaptive pools update the oracle.
        var stateAfter = PoolStateAfter()
        let consumed = swapInput - result.amountRemaining
        stateAfter.move(aToB ? state.tokenVaultA : state.tokenVaultB, by: Int128(consumed))
        stateAfter.move(aToB ? state.tokenVaultB : state.tokenVaultA, by: -Int128(result.amountOut))
        stateAfter.sqrtPrice = result.sqrtPrice
        stateAfter.tickCurrent = Int32(truncatingIfNeeded: result.tick)
        stateAfter.liquidity = result.liquidity
        if aToB { stateAfter.protocolFeeA = result.protocolFee } else { stateAfter.protocolFeeB = result.protocolFee }
        if let o = adaptiveOracle, let m = result.feeManager {
            let now = UInt64(max(context.now, 0))
            stateAfter.whirlpoolAdaptiveFee = WhirlpoolAdaptiveFeeAfter(
                lastReferenceUpdateTimestamp: m.referenceUpdated ? now : o.lastReferenceUpdateTimestamp,
                lastMajorSwapTimestamp: Self.isMajorSwap(state.sqrtPrice, result.sqrtPrice, thresholdTicks: o.majorSwapThresholdTicks)
                    ? now : o.lastMajorSwapTimestamp,
                volatilityReference: m.volatilityReference, tickGroupIndexReference: Int32(truncatingIfNeeded: m.tickGroupIndexReference),
                volatilityAccumulator: m.volatilityAccumulator)
        }
        return Quote(pool: address, dex: .orcaWhirlpool, inputMint: inputMint, outputMint: aToB ? mintB : mintA,
                     amountIn: amountIn, amountOut: amountOut, feeAmount: result.feeTotal, feeMint: inputMint,
                     priceBefore: aToB ? before : before.inverted, priceAfter: aToB ? after : after.inverted, partial: partial,
                     stateAfter: stateAfter)
    }

    /// oracle.rs `is_major_swap`: the price moved by at least `major_swap_threshold_ticks`.
    static func isMajorSwap(_ pre: UInt128, _ post: UInt128, thresholdTicks: UInt16) -> Bool {
        let (smaller, larger) = pre < post ? (pre, post) : (post, pre)
        let factor = WhirlpoolMath.sqrtPrice(atTick: Int(thresholdTicks))
        let target = BigNat(smaller) * BigNat(factor) / BigNat(limbs: [0, 1])  // mul_shr(…, 64)
        return !(BigNat(larger) < target)
    }

    struct SwapResult {
        var amountRemaining: UInt64
        var amountOut: UInt64
        var feeTotal: UInt64
        var sqrtPrice: UInt128
        var tick: Int
        var nextMissingArray: Pubkey?
        var stopReason: String
        /// After a completed swap: active liquidity, protocol fee accrued, the adaptive fee manager.
        var liquidity: UInt128 = 0
        var protocolFee: UInt64 = 0
        var feeManager: OrcaWhirlpoolFeeRateManager?
    }

    /// A tick array as the swap sees it (`ProxiedTickArray`): loaded, or zeroed (sparse).
    enum ArrayView {
        case loaded(OrcaWhirlpoolTickArray)
        case zeroed(start: Int)
        var start: Int {
            switch self { case .loaded(let a): return Int(a.startTickIndex); case .zeroed(let s): return s }
        }
    }

    /// First array of the sequence (`sparse_swap.rs::get_start_tick_indexes` offset 0, or +1 when
    /// a b→a swap starts within one tick spacing of the next array).
    func firstArrayStart(_ aToB: Bool) -> Int {
        let base = currentArrayStart
        if !aToB && Int(state.tickCurrentIndex) + tickSpacing >= base + ticksInArray { return base + ticksInArray }
        return base
    }

    /// `swap_manager::swap` for exact-in with no explicit price limit, walking the sequence of
    /// arrays in the swap direction for as long as they have been applied. The program itself
    /// receives 3 arrays; within those the walk is identical, and further arrays extend it the
    /// way a longer `SwapTickSequence` would.
    func swap(amount: UInt64, aToB: Bool, timestamp: UInt64 = 0, oracle: OrcaWhirlpoolOracle? = nil) throws -> SwapResult {
        let ts = tickSpacing, tia = ticksInArray
        let first = firstArrayStart(aToB)
        let step = aToB ? -tia : tia
        // Sequence index → start index; nil past the last valid array (beyond MIN/MAX tick).
        func startOf(_ i: Int) -> Int? {
            let s = first + i * step
            return OrcaWhirlpoolTickArray.isValidStart(s, tickSpacing: ts) ? s : nil
        }
        func view(_ i: Int) -> ArrayView? {
            guard let s = startOf(i) else { return nil }
            switch tickArrays[s] {
            case .loaded(let a)?: return .loaded(a)
            case .uninitialized?: return .zeroed(start: s)
            case nil: return nil
            }
        }
        func missingAddress(_ i: Int) -> Pubkey? { startOf(i).flatMap { address(ofArray: $0) } }

        let priceLimit = aToB ? WhirlpoolMath.minSqrtPrice : WhirlpoolMath.maxSqrtPrice
        var result = SwapResult(amountRemaining: amount, amountOut: 0, feeTotal: 0, sqrtPrice: state.sqrtPrice,
                                tick: Int(state.tickCurrentIndex), nextMissingArray: nil, stopReason: "")
        // InvalidSqrtPriceLimitDirection: the price already sits at the limit, nothing can trade.
        if aToB ? priceLimit >= state.sqrtPrice : priceLimit <= state.sqrtPrice {
            result.stopReason = "price is already at the \(aToB ? "minimum" : "maximum") sqrt price"
            return result
        }
        var liquidity = state.liquidity
        var arrayIndex = 0
        var steps = 0
        var feeManager = try oracle.map {
            try OrcaWhirlpoolFeeRateManager(aToB: aToB, currentTick: Int(state.tickCurrentIndex), timestamp: timestamp,
                                            staticFeeRate: state.feeRate, oracle: $0)
        }

        while result.amountRemaining > 0 && result.sqrtPrice != priceLimit {
            guard view(arrayIndex) != nil else {
                result.nextMissingArray = missingAddress(arrayIndex)
                result.stopReason = result.nextMissingArray == nil
                    ? "no further tick array in this direction"
                    : "tick array \(startOf(arrayIndex).map(String.init) ?? "?") not loaded"
                return result
            }
            let (nextArrayIndex, nextTick) = try nextInitializedTick(result.tick, aToB: aToB, from: arrayIndex, view: view)
            let nextTickPrice = WhirlpoolMath.sqrtPrice(atTick: nextTick)
            let target = aToB ? max(priceLimit, nextTickPrice) : min(priceLimit, nextTickPrice)

            // Inner loop: adaptive pools stop at each tick-group edge to recompute the fee.
            while true {
                // Every step moves the price or exhausts the input on sane data; bound the loop so
                // corrupt state cannot hang the cache (the chain would hit its compute limit).
                steps += 1
                guard steps <= Self.maxSwapSteps else { throw WhirlpoolMathError.overflow("swap did not converge") }
                feeManager?.updateVolatilityAccumulator()
                let feeRate = try feeManager?.totalFeeRate() ?? UInt32(state.feeRate)
                let (bounded, skipped) = feeManager?.boundedTarget(target, liquidity: liquidity) ?? (target, false)
                let s = try WhirlpoolMath.computeSwapExactIn(amountRemaining: result.amountRemaining, feeRate: feeRate, liquidity: liquidity,
                                                             sqrtPriceCurrent: result.sqrtPrice, sqrtPriceTarget: bounded, aToB: aToB)
                guard result.amountRemaining >= s.amountIn, result.amountRemaining - s.amountIn >= s.feeAmount else {
                    throw WhirlpoolMathError.overflow("swap amount_remaining (AmountRemainingOverflow)")
                }
                result.amountRemaining -= s.amountIn + s.feeAmount
                let (out, o1) = result.amountOut.addingReportingOverflow(s.amountOut)
                let (fees, o2) = result.feeTotal.addingReportingOverflow(s.feeAmount)
                guard !o1, !o2 else { throw WhirlpoolMathError.overflow("swap amount_calculated (AmountCalcOverflow)") }
                result.amountOut = out
                result.feeTotal = fees
                // calculate_fees: protocol share of each step's fee (protocol_fee_rate per 10_000).
                result.protocolFee &+= UInt64(UInt128(s.feeAmount) * UInt128(state.protocolFeeRate) / 10_000)

                if s.nextSqrtPrice == nextTickPrice {
                    // Cross the tick if it is initialized (get_tick errors count as "not initialized").
                    if case .loaded(let arr)? = view(nextArrayIndex), let t = Self.tick(in: arr, at: nextTick, spacing: ts) {
                        liquidity = try WhirlpoolMath.addLiquidityDelta(liquidity, aToB ? -t.liquidityNet : t.liquidityNet)
                    }
                    let arrStart = view(nextArrayIndex)?.start ?? 0
                    let offset = WhirlpoolMath.floorDivision(nextTick - arrStart, ts)
                    arrayIndex = (aToB && offset == 0) || (!aToB && offset == OrcaWhirlpoolIds.ticksPerArray - 1)
                        ? nextArrayIndex + 1 : nextArrayIndex
                    result.tick = aToB ? nextTick - 1 : nextTick
                } else if s.nextSqrtPrice != result.sqrtPrice {
                    result.tick = WhirlpoolMath.tickIndex(fromSqrtPrice: s.nextSqrtPrice)
                }
                result.sqrtPrice = s.nextSqrtPrice

                if skipped {
                    feeManager?.advanceTickGroupAfterSkip(sqrtPrice: result.sqrtPrice, nextTickSqrtPrice: nextTickPrice, nextTickIndex: nextTick)
                } else {
                    feeManager?.advanceTickGroup()
                }
                if result.amountRemaining == 0 || result.sqrtPrice == target { break }
            }
        }
        if result.amountRemaining > 0 {
            result.stopReason = "price limit reached: no liquidity left in this direction"
        }
        result.liquidity = liquidity
        result.feeManager = feeManager
        return result
    }

    /// `SwapTickSequence::get_next_initialized_tick_index`, where "the last array of the
    /// sequence" is the last one applied: its boundary tick becomes the step target.
    func nextInitializedTick(_ tick: Int, aToB: Bool, from startIndex: Int, view: (Int) -> ArrayView?) throws -> (Int, Int) {
        let ts = tickSpacing, tia = ticksInArray
        var search = tick
        var i = startIndex
        while true {
            guard let arr = view(i) else { throw WhirlpoolMathError.overflow("TickArraySequenceInvalidIndex") }
            let start = arr.start
            // in_search_range (shifted by one spacing for b→a).
            let lower = aToB ? start : start - ts
            guard search >= lower && search < lower + tia else {
                throw WhirlpoolMathError.overflow("InvalidTickArraySequence (tick \(search) outside array \(start))")
            }
            if case .loaded(let a) = arr {
                var offset = WhirlpoolMath.floorDivision(search - start, ts)
                if !aToB { offset += 1 }
                while (0..<OrcaWhirlpoolIds.ticksPerArray).contains(offset) {
                    if a.ticks[offset] != nil { return (i, offset * ts + start) }
                    offset += aToB ? -1 : 1
                }
            }
            if aToB && start <= WhirlpoolMath.minTick { return (i, WhirlpoolMath.minTick) }
            if !aToB && start + tia > WhirlpoolMath.maxTick { return (i, WhirlpoolMath.maxTick) }
            if view(i + 1) == nil { return (i, aToB ? start : start + tia - 1) }
            search = aToB ? start - 1 : start + tia - 1
            i += 1
        }
    }

    /// `TickArrayType::get_tick`: nil when the tick is outside the array, not a usable tick, or uninitialized.
    static func tick(in array: OrcaWhirlpoolTickArray, at tickIndex: Int, spacing: Int) -> OrcaWhirlpoolTick? {
        let start = Int(array.startTickIndex)
        guard tickIndex >= start, tickIndex < start + OrcaWhirlpoolIds.ticksPerArray * spacing,
              (WhirlpoolMath.minTick...WhirlpoolMath.maxTick).contains(tickIndex), tickIndex % spacing == 0 else { return nil }
        let offset = (tickIndex - start) / spacing
        guard offset >= 0, offset < array.ticks.count else { return nil }
        return array.ticks[offset]
    }
}

/// `FeeRateManager::Adaptive` (manager/fee_rate_manager.rs) with the Oracle's
/// `AdaptiveFeeConstants` / `AdaptiveFeeVariables` (state/oracle.rs): a volatility fee on top of
/// the static rate, recomputed per tick group the price crosses. Static pools use no manager.
struct OrcaWhirlpoolFeeRateManager {
    static let volatilityScale: UInt64 = 10_000  // VOLATILITY_ACCUMULATOR_SCALE_FACTOR
    static let reductionDenominator: UInt64 = 10_000  // REDUCTION_FACTOR_DENOMINATOR
    static let controlDenominator: UInt128 = 100_000  // ADAPTIVE_FEE_CONTROL_FACTOR_DENOMINATOR
    static let maxReferenceAge: UInt64 = 3_600  // MAX_REFERENCE_AGE
    static let feeRateHardLimit: UInt32 = 100_000  // FEE_RATE_HARD_LIMIT

    let aToB: Bool
    var tickGroupIndex: Int
    let staticFeeRate: UInt16
    let tickGroupSize: Int
    let controlFactor: UInt32
    let maxVolatilityAccumulator: UInt32
    var volatilityReference: UInt32
    var tickGroupIndexReference: Int
    var volatilityAccumulator: UInt32
    var coreLower: (index: Int, sqrtPrice: UInt128)?
    var coreUpper: (index: Int, sqrtPrice: UInt128)?
    /// True when `update_reference` moved the reference (the oracle then records the timestamp).
    var referenceUpdated = false

    /// `FeeRateManager::new` including `AdaptiveFeeVariables::update_reference`.
    init(aToB: Bool, currentTick: Int, timestamp: UInt64, staticFeeRate: UInt16, oracle o: OrcaWhirlpoolOracle) throws {
        guard o.tickGroupSize > 0 else { throw WhirlpoolMathError.overflow("oracle tick_group_size is 0") }
        self.aToB = aToB
        self.staticFeeRate = staticFeeRate
        tickGroupSize = Int(o.tickGroupSize)
        controlFactor = o.adaptiveFeeControlFactor
        maxVolatilityAccumulator = o.maxVolatilityAccumulator
        tickGroupIndex = WhirlpoolMath.floorDivision(currentTick, tickGroupSize)
        volatilityReference = o.volatilityReference
        tickGroupIndexReference = Int(o.tickGroupIndexReference)
        volatilityAccumulator = o.volatilityAccumulator

        // update_reference
        let maxTimestamp = max(o.lastReferenceUpdateTimestamp, o.lastMajorSwapTimestamp)
        guard timestamp >= maxTimestamp else { throw WhirlpoolMathError.overflow("oracle timestamps are in the future (InvalidTimestamp)") }
        let referenceAge = timestamp - o.lastReferenceUpdateTimestamp
        if referenceAge > Self.maxReferenceAge {
            tickGroupIndexReference = tickGroupIndex
            volatilityReference = 0
            referenceUpdated = true
        } else {
            let elapsed = timestamp - maxTimestamp
            if elapsed < UInt64(o.filterPeriod) {
                // high-frequency trading: keep the reference
            } else if elapsed < UInt64(o.decayPeriod) {
                tickGroupIndexReference = tickGroupIndex
                volatilityReference = UInt32(truncatingIfNeeded: UInt64(volatilityAccumulator) * UInt64(o.reductionFactor) / Self.reductionDenominator)
                referenceUpdated = true
            } else {
                tickGroupIndexReference = tickGroupIndex
                volatilityReference = 0
                referenceUpdated = true
            }
        }

        // Core range: outside it the accumulator is pinned at its maximum, so steps may skip groups.
        guard maxVolatilityAccumulator >= volatilityReference else {
            throw WhirlpoolMathError.overflow("volatility reference above max_volatility_accumulator")
        }
        let span = UInt64(maxVolatilityAccumulator - volatilityReference)
        let delta = Int((span + Self.volatilityScale - 1) / Self.volatilityScale)  // ceil_division_u32
        let lowerIndex = tickGroupIndexReference - delta
        let upperIndex = tickGroupIndexReference + delta
        let lowerTick = lowerIndex * tickGroupSize
        let upperTick = upperIndex * tickGroupSize + tickGroupSize
        coreLower = lowerTick > WhirlpoolMath.minTick ? (lowerIndex, WhirlpoolMath.sqrtPrice(atTick: lowerTick)) : nil
        coreUpper = upperTick < WhirlpoolMath.maxTick ? (upperIndex, WhirlpoolMath.sqrtPrice(atTick: upperTick)) : nil
    }

    /// `AdaptiveFeeVariables::update_volatility_accumulator`.
    mutating func updateVolatilityAccumulator() {
        let indexDelta = UInt64((tickGroupIndexReference - tickGroupIndex).magnitude)
        let (scaled, o1) = indexDelta.multipliedReportingOverflow(by: Self.volatilityScale)
        let (acc, o2) = UInt64(volatilityReference).addingReportingOverflow(scaled)
        volatilityAccumulator = (o1 || o2) ? maxVolatilityAccumulator : UInt32(min(acc, UInt64(maxVolatilityAccumulator)))
    }

    /// `get_total_fee_rate` + `compute_adaptive_fee_rate`: ceil(control · (acc·group)² / (1e5·1e4·1e4)), capped.
    func totalFeeRate() throws -> UInt32 {
        let crossed = UInt64(volatilityAccumulator) * UInt64(tickGroupSize)
        guard crossed <= UInt64(UInt32.max) else { throw WhirlpoolMathError.overflow("compute_adaptive_fee_rate crossed (u32)") }
        let squared = UInt128(crossed * crossed)
        let numerator = UInt128(controlFactor) * squared
        let denominator = Self.controlDenominator * 10_000 * 10_000
        let adaptive = numerator / denominator + (numerator % denominator == 0 ? 0 : 1)
        let adaptiveRate = UInt32(min(adaptive, UInt128(Self.feeRateHardLimit)))
        return min(UInt32(staticFeeRate) + adaptiveRate, Self.feeRateHardLimit)
    }

    /// `get_bounded_sqrt_price_target`: stop at the current tick group's edge so the fee can be
    /// recomputed; the Bool says the per-group update is skipped (outside the core range).
    func boundedTarget(_ sqrtPrice: UInt128, liquidity: UInt128) -> (UInt128, Bool) {
        if controlFactor == 0 || liquidity == 0 { return (sqrtPrice, true) }
        if let lower = coreLower, tickGroupIndex < lower.index {
            return aToB ? (sqrtPrice, true) : (min(sqrtPrice, lower.sqrtPrice), true)
        }
        if let upper = coreUpper, tickGroupIndex > upper.index {
            return aToB ? (max(sqrtPrice, upper.sqrtPrice), true) : (sqrtPrice, true)
        }
        let boundaryTick = aToB ? tickGroupIndex * tickGroupSize : tickGroupIndex * tickGroupSize + tickGroupSize
        let boundary = WhirlpoolMath.sqrtPrice(atTick: boundaryTick)  // clamped to [MIN, MAX] as in the program
        return aToB ? (max(sqrtPrice, boundary), false) : (min(sqrtPrice, boundary), false)
    }

    /// `advance_tick_group`.
    mutating func advanceTickGroup() { tickGroupIndex += aToB ? -1 : 1 }

    /// `advance_tick_group_after_skip`: jump to the group the price actually reached.
    mutating func advanceTickGroupAfterSkip(sqrtPrice: UInt128, nextTickSqrtPrice: UInt128, nextTickIndex: Int) {
        let tickIndex: Int
        let onBoundary: Bool
        if sqrtPrice == nextTickSqrtPrice {
            tickIndex = nextTickIndex
            onBoundary = nextTickIndex % tickGroupSize == 0
        } else {
            tickIndex = WhirlpoolMath.tickIndex(fromSqrtPrice: sqrtPrice)
            onBoundary = tickIndex % tickGroupSize == 0 && sqrtPrice == WhirlpoolMath.sqrtPrice(atTick: tickIndex)
        }
        let lastTraversed = onBoundary && !aToB ? tickIndex / tickGroupSize - 1 : WhirlpoolMath.floorDivision(tickIndex, tickGroupSize)
        if (aToB && lastTraversed < tickGroupIndex) || (!aToB && lastTraversed > tickGroupIndex) {
            tickGroupIndex = lastTraversed
            updateVolatilityAccumulator()
        }
        tickGroupIndex += aToB ? -1 : 1
    }
}
