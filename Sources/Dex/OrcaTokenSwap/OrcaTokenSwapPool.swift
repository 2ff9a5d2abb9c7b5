import PoolMath
import SolanaCore

// Orca legacy token-swap v2 (`9W959DqE…`), SPL token-swap `SwapVersion::SwapV1`, dex-layouts.md §10.
// Source: solana-program-library token-swap/program/src/state.rs (version byte + SwapV1, 323 B),
// curve/constant_product.rs (`swap`), curve/fees.rs (`calculate_fee`); spl-math `checked_ceil_div`.

/// An Orca token-swap v2 pool. Reserves are the raw vault balances (fees stay in the pool);
/// decimals come from the mint accounts (or the well-known table for SOL/USDC/USDT).
public struct OrcaTokenSwapPool: PoolModel {
    /// Fixed fee rates in its accounts (no time-based fee): rate bounds may discount the fee.
    public var tradeFeeIsConstantOverTime: Bool { true }
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
        return PoolPrice(
            mintA: mintA, mintB: mintB, decimalsA: da, decimalsB: db, reserveA: a, reserveB: b,
            priceBPerA: ConstantProductCurve.spot(reserveIn: a, reserveOut: b, decimalsIn: da, decimalsOut: db))
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
        guard let newOut = ConstantProductCurve.newReserveOut(invariant: invariant, newReserveIn: newIn) else {
            throw QuoteError.insufficientLiquidity("checked_ceil_div quotient is 0")
        }
        guard rOut > newOut else { throw QuoteError.zeroOutput }
        let out = rOut - newOut
        let (dIn, dOut): (UInt8, UInt8) = try {
            let (da, db) = try decimals(); return aToB ? (da, db) : (db, da)
        }()
        return Quote(
            pool: address, dex: Self.dex, inputMint: inputMint, outputMint: aToB ? mintB : mintA,
            amountIn: amountIn, amountOut: UInt64(out), feeAmount: UInt64(tradeFee + ownerFee), feeMint: inputMint,
            priceBefore: ConstantProductCurve.spot(reserveIn: UInt64(rIn), reserveOut: UInt64(rOut), decimalsIn: dIn, decimalsOut: dOut),
            priceAfter: ConstantProductCurve.spot(
                reserveIn: UInt64(clamping: rIn + x), reserveOut: UInt64(newOut),
                decimalsIn: dIn, decimalsOut: dOut))
    }
}
