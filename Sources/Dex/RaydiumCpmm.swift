import PoolMath
import SolanaCore

// Raydium CPMM (`CPMMoo8L…`), dex-layouts.md §4.
// Source: raydium-io/raydium-cp-swap @609780f1 programs/cp-swap/src/states/pool.rs (`PoolState`, zero_copy packed,
// 637 B), states/config.rs (`AmmConfig`, 236 B), curve/{calculator,fees,constant_product}.rs,
// instructions/swap_base_input.rs.

/// A CPMM `PoolState`.
public struct RaydiumCpmmPoolState: AnchorLayout, Equatable {
    public static let program = "raydium-cpmm"
    public static let kind = "PoolState"
    public static let programId = ProgramIds.raydiumCpmm
    public static let size = 637
    public static let discriminator = "f7ede3f5d7c3de46"

    public var ammConfig: Pubkey, poolCreator: Pubkey
    public var token0Vault: Pubkey, token1Vault: Pubkey, lpMint: Pubkey
    public var token0Mint: Pubkey, token1Mint: Pubkey
    public var token0Program: Pubkey, token1Program: Pubkey
    public var observationKey: Pubkey
    public var authBump: UInt8, status: UInt8, lpMintDecimals: UInt8, mint0Decimals: UInt8, mint1Decimals: UInt8
    public var lpSupply: UInt64
    public var protocolFeesToken0: UInt64, protocolFeesToken1: UInt64
    public var fundFeesToken0: UInt64, fundFeesToken1: UInt64
    public var openTime: UInt64, recentEpoch: UInt64
    public var creatorFeeOn: UInt8, enableCreatorFee: Bool
    public var creatorFeesToken0: UInt64, creatorFeesToken1: UInt64

    public init(_ a: AccountData) throws {
        try Self.check(a)
        let r = ByteReader(a.data)
        ammConfig = try r.pubkey(8); poolCreator = try r.pubkey(40)
        token0Vault = try r.pubkey(72); token1Vault = try r.pubkey(104); lpMint = try r.pubkey(136)
        token0Mint = try r.pubkey(168); token1Mint = try r.pubkey(200)
        token0Program = try r.pubkey(232); token1Program = try r.pubkey(264)
        observationKey = try r.pubkey(296)
        authBump = try r.u8(328); status = try r.u8(329); lpMintDecimals = try r.u8(330)
        mint0Decimals = try r.u8(331); mint1Decimals = try r.u8(332)
        lpSupply = try r.u64(333)
        protocolFeesToken0 = try r.u64(341); protocolFeesToken1 = try r.u64(349)
        fundFeesToken0 = try r.u64(357); fundFeesToken1 = try r.u64(365)
        openTime = try r.u64(373); recentEpoch = try r.u64(381)
        creatorFeeOn = try r.u8(389); enableCreatorFee = try r.bool(390)
        creatorFeesToken0 = try r.u64(397); creatorFeesToken1 = try r.u64(405)
        guard mint0Decimals <= 30, mint1Decimals <= 30 else {
            throw DecodeError.invalidField(kind: Self.kind, field: "mint decimals", reason: "\(mint0Decimals)/\(mint1Decimals) out of range")
        }
    }

    /// Status bit 2 (value 4) disables swaps (`PoolStatusBitIndex::Swap`).
    public var swapDisabled: Bool { status & 4 != 0 }

    public var fields: Fields {
        [("amm_config", .pubkey(ammConfig)), ("pool_creator", .pubkey(poolCreator)), ("token_0_vault", .pubkey(token0Vault)),
         ("token_1_vault", .pubkey(token1Vault)), ("lp_mint", .pubkey(lpMint)), ("token_0_mint", .pubkey(token0Mint)),
         ("token_1_mint", .pubkey(token1Mint)), ("token_0_program", .pubkey(token0Program)), ("token_1_program", .pubkey(token1Program)),
         ("observation_key", .pubkey(observationKey)), ("auth_bump", .u(authBump)), ("status", .u(status)),
         ("lp_mint_decimals", .u(lpMintDecimals)), ("mint_0_decimals", .u(mint0Decimals)), ("mint_1_decimals", .u(mint1Decimals)),
         ("lp_supply", .u(lpSupply)), ("protocol_fees_token_0", .u(protocolFeesToken0)), ("protocol_fees_token_1", .u(protocolFeesToken1)),
         ("fund_fees_token_0", .u(fundFeesToken0)), ("fund_fees_token_1", .u(fundFeesToken1)), ("open_time", .u(openTime)),
         ("recent_epoch", .u(recentEpoch)), ("creator_fee_on", .u(creatorFeeOn)), ("enable_creator_fee", .u(enableCreatorFee ? 1 : 0)),
         ("creator_fees_token_0", .u(creatorFeesToken0)), ("creator_fees_token_1", .u(creatorFeesToken1))]
    }
}

/// A CPMM `AmmConfig` (fee rates per 1,000,000).
public struct RaydiumCpmmAmmConfig: AnchorLayout, Equatable {
    public static let program = "raydium-cpmm"
    public static let kind = "AmmConfig"
    public static let programId = ProgramIds.raydiumCpmm
    public static let size = 236
    public static let discriminator = "daf42168cbcb2b6f"

    public var bump: UInt8, disableCreatePool: Bool, index: UInt16
    public var tradeFeeRate: UInt64, protocolFeeRate: UInt64, fundFeeRate: UInt64, createPoolFee: UInt64
    public var protocolOwner: Pubkey, fundOwner: Pubkey
    public var creatorFeeRate: UInt64

    public init(_ a: AccountData) throws {
        try Self.check(a)
        let r = ByteReader(a.data)
        bump = try r.u8(8); disableCreatePool = try r.bool(9); index = try r.u16(10)
        tradeFeeRate = try r.u64(12); protocolFeeRate = try r.u64(20); fundFeeRate = try r.u64(28); createPoolFee = try r.u64(36)
        protocolOwner = try r.pubkey(44); fundOwner = try r.pubkey(76)
        creatorFeeRate = try r.u64(108)
        // config.rs: rates are validated < FEE_RATE_DENOMINATOR_VALUE on update.
        guard tradeFeeRate < RaydiumCpmmPool.feeDenominator, creatorFeeRate < RaydiumCpmmPool.feeDenominator else {
            throw DecodeError.invalidField(kind: Self.kind, field: "fee rate", reason: "trade \(tradeFeeRate) / creator \(creatorFeeRate) ≥ 1e6")
        }
    }

    public var fields: Fields {
        [("bump", .u(bump)), ("disable_create_pool", .u(disableCreatePool ? 1 : 0)), ("index", .u(index)),
         ("trade_fee_rate", .u(tradeFeeRate)), ("protocol_fee_rate", .u(protocolFeeRate)), ("fund_fee_rate", .u(fundFeeRate)),
         ("create_pool_fee", .u(createPoolFee)), ("protocol_owner", .pubkey(protocolOwner)), ("fund_owner", .pubkey(fundOwner)),
         ("creator_fee_rate", .u(creatorFeeRate))]
    }
}

/// A CPMM pool: PoolState + AmmConfig + vaults (+ mints when a side is Token-2022, for transfer fees).
public struct RaydiumCpmmPool: PoolModel {
    public static let dex = DexKind.raydiumCpmm
    static let feeDenominator: UInt64 = 1_000_000
    public let address: Pubkey
    public private(set) var state: RaydiumCpmmPoolState
    var config: Dependent<RaydiumCpmmAmmConfig>
    var vault0: Dependent<TokenAccount>
    var vault1: Dependent<TokenAccount>
    var mint0: Dependent<TokenMint>
    var mint1: Dependent<TokenMint>

    public var mintA: Pubkey { state.token0Mint }
    public var mintB: Pubkey { state.token1Mint }

    public static func isPool(_ a: AccountData) -> Bool { RaydiumCpmmPoolState.matches(a) }

    public init(pool: AccountData) throws {
        address = pool.address
        state = try RaydiumCpmmPoolState(pool)
        config = Dependent(address: state.ammConfig, role: "amm config")
        vault0 = Dependent(address: state.token0Vault, role: "vault")
        vault1 = Dependent(address: state.token1Vault, role: "vault")
        mint0 = Dependent(address: state.token0Mint, role: "mint")
        mint1 = Dependent(address: state.token1Mint, role: "mint")
    }

    var is2022: (Bool, Bool) { (state.token0Program == ProgramIds.token2022, state.token1Program == ProgramIds.token2022) }

    public func accountsToWatch() -> [Pubkey] {
        var keys = [state.ammConfig, state.token0Vault, state.token1Vault]
        if is2022.0 { keys.append(state.token0Mint) }
        if is2022.1 { keys.append(state.token1Mint) }
        return keys
    }

    public mutating func apply(_ a: AccountData) throws -> Bool {
        if a.address == address {
            let next = try RaydiumCpmmPoolState(a)
            guard next.token0Vault == state.token0Vault, next.token1Vault == state.token1Vault, next.ammConfig == state.ammConfig else {
                throw QuoteError.invalidAccount(role: "pool", address: address, reason: "vault or config address changed")
            }
            state = next
            return true
        }
        return try config.apply(a) || vault0.apply(a) || vault1.apply(a) || mint0.apply(a) || mint1.apply(a)
    }

    /// `vault_amount_without_fee`: vault − protocol − fund − creator fees.
    public func reserves() throws -> (UInt64, UInt64) {
        func net(_ vault: UInt64, _ fees: [UInt64]) throws -> UInt64 {
            var v = vault
            for f in fees {
                guard v >= f else { throw QuoteError.mathOverflow("reserves: vault below accrued fees") }
                v -= f
            }
            return v
        }
        return (try net(vault0.get().amount, [state.protocolFeesToken0, state.fundFeesToken0, state.creatorFeesToken0]),
                try net(vault1.get().amount, [state.protocolFeesToken1, state.fundFeesToken1, state.creatorFeesToken1]))
    }

    public func price(context: QuoteContext) throws -> PoolPrice {
        let (r0, r1) = try reserves()
        return PoolPrice(mintA: mintA, mintB: mintB, decimalsA: state.mint0Decimals, decimalsB: state.mint1Decimals,
                         reserveA: r0, reserveB: r1,
                         priceBPerA: ConstantProduct.spot(reserveIn: r0, reserveOut: r1, decimalsIn: state.mint0Decimals,
                                                           decimalsOut: state.mint1Decimals))
    }

    /// Transfer fee of a side when its token program is Token-2022 (needs the mint account).
    func transferFee(zero: Bool, amount: UInt64, epoch: UInt64) throws -> UInt64 {
        guard zero ? is2022.0 : is2022.1 else { return 0 }
        return try (zero ? mint0 : mint1).get().transferFee(on: amount, epoch: epoch)
    }

    /// `swap_base_input`: input transfer fee, then `CurveCalculator::swap_base_input` with the trade
    /// fee (and creator fee when charged on input) ceil-rounded on input, constant product floor,
    /// creator fee on output when the pool says so, then the output transfer fee.
    public func quote(amountIn: UInt64, inputMint: Pubkey, context: QuoteContext) throws -> Quote {
        let zeroForOne = try isAToB(inputMint)
        guard amountIn > 0 else { throw QuoteError.zeroAmount }
        guard !state.swapDisabled else { throw QuoteError.swapDisabled("PoolState.status \(state.status)") }
        if context.now >= 0, UInt64(context.now) < state.openTime {
            throw QuoteError.notOpenYet("open_time \(state.openTime)")
        }
        let cfg = try config.get()
        let (r0, r1) = try reserves()
        let (rIn, rOut) = zeroForOne ? (r0, r1) : (r1, r0)
        let inTransferFee = try transferFee(zero: zeroForOne, amount: amountIn, epoch: context.epoch)
        let actualIn = UInt128(amountIn - inTransferFee)
        let d = UInt128(Self.feeDenominator)
        let creatorRate = state.enableCreatorFee ? UInt128(cfg.creatorFeeRate) : 0
        // creator_fee_on: 0 BothToken (always on input), 1 OnlyToken0, 2 OnlyToken1 — charged on input iff the input is that token.
        let creatorOnInput = state.creatorFeeOn == 0 || (state.creatorFeeOn == 1 && zeroForOne) || (state.creatorFeeOn == 2 && !zeroForOne)
        var tradeFee: UInt128, creatorFee: UInt128 = 0, out: UInt128
        if creatorOnInput {
            let totalFee = (actualIn * (UInt128(cfg.tradeFeeRate) + creatorRate) + d - 1) / d
            // fees.rs splits the total proportionally; only the total matters for the output.
            let net = actualIn - totalFee
            out = try ConstantProduct.outFloor(reserveIn: rIn, reserveOut: rOut, netIn: net)
            tradeFee = totalFee
        } else {
            tradeFee = (actualIn * UInt128(cfg.tradeFeeRate) + d - 1) / d
            let swapped = try ConstantProduct.outFloor(reserveIn: rIn, reserveOut: rOut, netIn: actualIn - tradeFee)
            creatorFee = (swapped * creatorRate + d - 1) / d
            out = swapped - creatorFee
        }
        guard out > 0 else { throw QuoteError.zeroOutput }
        guard out < UInt128(rOut) else { throw QuoteError.insufficientLiquidity("output would empty the vault") }
        let outTransferFee = try transferFee(zero: !zeroForOne, amount: UInt64(out), epoch: context.epoch)
        let received = UInt64(out) - outTransferFee
        let (decIn, decOut) = zeroForOne ? (state.mint0Decimals, state.mint1Decimals) : (state.mint1Decimals, state.mint0Decimals)
        // Reserves after the swap: the trade fee stays in the vault except its protocol and fund
        // shares (fees.rs: floor(trade_fee · rate / 1e6)), which are set aside like the creator fee.
        let tradePart = creatorOnInput && creatorRate > 0
            ? tradeFee * UInt128(cfg.tradeFeeRate) / (UInt128(cfg.tradeFeeRate) + creatorRate) : tradeFee
        let setAside = tradePart * UInt128(cfg.protocolFeeRate) / d + tradePart * UInt128(cfg.fundFeeRate) / d
            + (creatorOnInput ? tradeFee - tradePart : 0)
        let newIn = UInt128(rIn) + actualIn - min(setAside, actualIn)
        let grossOut = out + creatorFee
        return Quote(pool: address, dex: Self.dex, inputMint: inputMint, outputMint: zeroForOne ? mintB : mintA,
                     amountIn: amountIn, amountOut: received, feeAmount: UInt64(tradeFee), feeMint: inputMint,
                     priceBefore: ConstantProduct.spot(reserveIn: rIn, reserveOut: rOut, decimalsIn: decIn, decimalsOut: decOut),
                     priceAfter: ConstantProduct.spot(reserveIn: UInt64(clamping: newIn),
                                                      reserveOut: UInt64(UInt128(rOut) - grossOut), decimalsIn: decIn, decimalsOut: decOut))
    }
}

/// CPMM `ObservationState` (4075 B): the price oracle ring buffer. Not needed for quotes; decoded
/// only so `decode` recognises it (owner + size + discriminator checks).
public struct RaydiumCpmmObservationState: AnchorLayout, Equatable {
    public static let program = "raydium-cpmm"
    public static let kind = "ObservationState"
    public static let programId = ProgramIds.raydiumCpmm
    public static let size = 4075
    public static let discriminator = "7aaec5358109a584"
    public var initialized: Bool
    public var poolId: Pubkey

    public init(_ a: AccountData) throws {
        try Self.check(a)
        let r = ByteReader(a.data)
        // states/oracle.rs: initialized bool @8, observation_index u16 @9, pool_id @11.
        initialized = try r.bool(8)
        poolId = try r.pubkey(11)
    }
    public var fields: Fields { [("initialized", .u(initialized ? 1 : 0)), ("pool_id", .pubkey(poolId))] }
}
