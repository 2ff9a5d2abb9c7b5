import PoolMath
import SolanaCore

// Orca legacy token-swap v2 (`9W959DqE…`), SPL token-swap `SwapVersion::SwapV1`, dex-layouts.md §10.
// Source: solana-program-library token-swap/program/src/state.rs (version byte + SwapV1, 323 B),
// curve/constant_product.rs (`swap`), curve/fees.rs (`calculate_fee`); spl-math `checked_ceil_div`.

/// The `SwapV1` account of an Orca token-swap v2 pool (324 bytes, version byte 1, no discriminator).
public struct OrcaTokenSwapState: AccountLayout, Equatable {
    public static let program = "orca-token-swap-v2"
    public static let kind = "SwapV1"
    public static let size = 324

    public var version: UInt8, isInitialized: Bool, bumpSeed: UInt8
    public var tokenProgramId: Pubkey, tokenA: Pubkey, tokenB: Pubkey, poolMint: Pubkey
    public var tokenAMint: Pubkey, tokenBMint: Pubkey, poolFeeAccount: Pubkey
    public var tradeFeeNumerator: UInt64, tradeFeeDenominator: UInt64
    public var ownerTradeFeeNumerator: UInt64, ownerTradeFeeDenominator: UInt64
    public var ownerWithdrawFeeNumerator: UInt64, ownerWithdrawFeeDenominator: UInt64
    public var hostFeeNumerator: UInt64, hostFeeDenominator: UInt64
    public var curveType: UInt8

    public static func matches(_ a: AccountData) -> Bool {
        a.owner == ProgramIds.orcaTokenSwapV2 && a.data.count == size && a.data[0] == 1
    }

    public init(_ a: AccountData) throws {
        try LayoutCheck.owner(a, ProgramIds.orcaTokenSwapV2, kind: Self.kind)
        try LayoutCheck.size(a, exactly: Self.size, kind: Self.kind)
        let r = ByteReader(a.data)
        version = try r.u8(0)
        guard version == 1 else { throw DecodeError.wrongDiscriminator(kind: Self.kind, expected: "version 1", got: "version \(version)") }
        isInitialized = try r.bool(1)
        guard isInitialized else { throw DecodeError.invalidField(kind: Self.kind, field: "is_initialized", reason: "pool not initialized") }
        bumpSeed = try r.u8(2)
        tokenProgramId = try r.pubkey(3); tokenA = try r.pubkey(35); tokenB = try r.pubkey(67); poolMint = try r.pubkey(99)
        tokenAMint = try r.pubkey(131); tokenBMint = try r.pubkey(163); poolFeeAccount = try r.pubkey(195)
        tradeFeeNumerator = try r.u64(227); tradeFeeDenominator = try r.u64(235)
        ownerTradeFeeNumerator = try r.u64(243); ownerTradeFeeDenominator = try r.u64(251)
        ownerWithdrawFeeNumerator = try r.u64(259); ownerWithdrawFeeDenominator = try r.u64(267)
        hostFeeNumerator = try r.u64(275); hostFeeDenominator = try r.u64(283)
        curveType = try r.u8(291)
    }

    public var fields: Fields {
        [("version", .u(version)), ("is_initialized", .u(isInitialized ? 1 : 0)), ("bump_seed", .u(bumpSeed)),
         ("token_program_id", .pubkey(tokenProgramId)), ("token_a", .pubkey(tokenA)), ("token_b", .pubkey(tokenB)),
         ("pool_mint", .pubkey(poolMint)), ("token_a_mint", .pubkey(tokenAMint)), ("token_b_mint", .pubkey(tokenBMint)),
         ("pool_fee_account", .pubkey(poolFeeAccount)), ("trade_fee_num", .u(tradeFeeNumerator)), ("trade_fee_den", .u(tradeFeeDenominator)),
         ("owner_trade_fee_num", .u(ownerTradeFeeNumerator)), ("owner_trade_fee_den", .u(ownerTradeFeeDenominator)),
         ("owner_withdraw_fee_num", .u(ownerWithdrawFeeNumerator)), ("owner_withdraw_fee_den", .u(ownerWithdrawFeeDenominator)),
         ("host_fee_num", .u(hostFeeNumerator)), ("host_fee_den", .u(hostFeeDenominator)), ("curve_type", .u(curveType))]
    }
}

/// An Orca token-swap v2 pool. Reserves are the raw vault balances (fees stay in the pool);
/// decimals come from the mint accounts (or the well-known table for SOL/USDC/USDT).
public struct OrcaTokenSwapPool: PoolModel {
    public static let dex = DexKind.orcaTokenSwapV2
    public let address: Pubkey
    public private(set) var state: OrcaTokenSwapState
    var vaultA: Dependent<TokenAccount>, vaultB: Dependent<TokenAccount>
    var mintAAccount: Dependent<TokenMint>, mintBAccount: Dependent<TokenMint>

    public var mintA: Pubkey { state.tokenAMint }
    public var mintB: Pubkey { state.tokenBMint }

    public static func isPool(_ a: AccountData) -> Bool { OrcaTokenSwapState.matches(a) }

    public init(pool: AccountData) throws {
        address = pool.address
        state = try OrcaTokenSwapState(pool)
        vaultA = Dependent(address: state.tokenA, role: "vault")
        vaultB = Dependent(address: state.tokenB, role: "vault")
        mintAAccount = Dependent(address: state.tokenAMint, role: "mint")
        mintBAccount = Dependent(address: state.tokenBMint, role: "mint")
    }

    public func accountsToWatch() -> [Pubkey] { [state.tokenA, state.tokenB, state.tokenAMint, state.tokenBMint] }

    public mutating func apply(_ a: AccountData) throws -> Bool {
        if a.address == address {
            let next = try OrcaTokenSwapState(a)
            guard next.tokenA == state.tokenA, next.tokenB == state.tokenB else {
                throw QuoteError.invalidAccount(role: "pool", address: address, reason: "vault addresses changed")
            }
            state = next
            return true
        }
        return try vaultA.apply(a) || vaultB.apply(a) || mintAAccount.apply(a) || mintBAccount.apply(a)
    }

    func decimals() throws -> (UInt8, UInt8) {
        (try KnownMints.decimals(of: mintAAccount), try KnownMints.decimals(of: mintBAccount))
    }

    public func price(context: QuoteContext) throws -> PoolPrice {
        let a = try vaultA.get().amount, b = try vaultB.get().amount
        let (da, db) = try decimals()
        return PoolPrice(mintA: mintA, mintB: mintB, decimalsA: da, decimalsB: db, reserveA: a, reserveB: b,
                         priceBPerA: ConstantProduct.spot(reserveIn: a, reserveOut: b, decimalsIn: da, decimalsOut: db))
    }

    /// fees.rs `calculate_fee`: 0 if no fee, else max(1, floor(x·n/d)).
    static func fee(_ x: UInt128, _ n: UInt64, _ d: UInt64) throws -> UInt128 {
        if n == 0 || x == 0 { return 0 }
        guard d > 0 else { throw QuoteError.mathOverflow("fee denominator is 0") }
        let f = x * UInt128(n) / UInt128(d)
        return f == 0 ? 1 : f
    }

    /// `SwapCurve::swap` with `ConstantProductCurve`: trade + owner fees off the input, then
    /// new_out = ceil(invariant / (r_in + net)) via spl-math `checked_ceil_div` (fails when the
    /// floor quotient is 0), out = r_out − new_out.
    public func quote(amountIn: UInt64, inputMint: Pubkey, context: QuoteContext) throws -> Quote {
        let aToB = try isAToB(inputMint)
        guard amountIn > 0 else { throw QuoteError.zeroAmount }
        guard state.curveType == 0 else { throw QuoteError.unsupported("token-swap curve_type \(state.curveType) (only constant product)") }
        let a = try vaultA.get().amount, b = try vaultB.get().amount
        let (rIn, rOut) = aToB ? (UInt128(a), UInt128(b)) : (UInt128(b), UInt128(a))
        let x = UInt128(amountIn)
        let tradeFee = try Self.fee(x, state.tradeFeeNumerator, state.tradeFeeDenominator)
        let ownerFee = try Self.fee(x, state.ownerTradeFeeNumerator, state.ownerTradeFeeDenominator)
        guard tradeFee + ownerFee <= x else { throw QuoteError.zeroOutput }
        let net = x - tradeFee - ownerFee
        let (invariant, overflow) = rIn.multipliedReportingOverflow(by: rOut)
        guard !overflow else { throw QuoteError.mathOverflow("invariant") }
        let newIn = rIn + net
        guard newIn > 0, invariant / newIn > 0 else { throw QuoteError.insufficientLiquidity("checked_ceil_div quotient is 0") }
        let newOut = ceilDiv(invariant, newIn)
        guard rOut > newOut else { throw QuoteError.zeroOutput }
        let out = rOut - newOut
        let (dIn, dOut): (UInt8, UInt8) = try { let (da, db) = try decimals(); return aToB ? (da, db) : (db, da) }()
        return Quote(pool: address, dex: Self.dex, inputMint: inputMint, outputMint: aToB ? mintB : mintA,
                     amountIn: amountIn, amountOut: UInt64(out), feeAmount: UInt64(tradeFee + ownerFee), feeMint: inputMint,
                     priceBefore: ConstantProduct.spot(reserveIn: UInt64(rIn), reserveOut: UInt64(rOut), decimalsIn: dIn, decimalsOut: dOut),
                     priceAfter: ConstantProduct.spot(reserveIn: UInt64(clamping: rIn + x), reserveOut: UInt64(newOut),
                                                      decimalsIn: dIn, decimalsOut: dOut))
    }
}
