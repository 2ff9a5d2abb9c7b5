import PoolMath
import SolanaCore

// PumpSwap (`pAMMBay6…`) and the pump fee program's FeeConfig, dex-layouts.md §12.
// Source: pump-fun/pump-public-docs @1b822158 idl/pump_amm.json (Pool, GlobalConfig), idl/pump_fees.json
// (FeeConfig { bump, admin, flat_fees: Fees, fee_tiers: Vec<FeeTier>, stable_fee_tiers: Vec<FeeTier> }),
// docs/PUMP_SWAP_README.md. Swap math: the official SDK (npm @pump-fun/pump-swap-sdk) is not available
// here; the formulas below are the third-party transcription in eco-incorp/sauce-sdk docs/svm-venues.md
// (verified there against mainnet Buy/Sell events) — see dex-layouts.md §12.

/// A PumpSwap pool: Pool + base/quote vaults + GlobalConfig (+ FeeConfig and the base mint for tiered fees).
public struct PumpSwapPool: PoolModel {
    /// Fixed fee rates in its accounts (no time-based fee): rate bounds may discount the fee.
    public var tradeFeeIsConstantOverTime: Bool { true }
    public static let dex = DexKind.pumpSwap
    /// pump.fun bonding-curve program; canonical pools are created by its ["pool-authority", mint] PDA.
    static let pumpProgram = Pubkey("6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P")
    static let feeConfigAddress = Pubkey("5PHirr8joyTMp9JMm6nW7hNDVyEYdkzDqazxPD7RaTjx")

    public let address: Pubkey
    public private(set) var state: PumpSwapPoolState
    var baseVault: Dependent<TokenAccount>, quoteVault: Dependent<TokenAccount>
    var globalConfig = Dependent<PumpSwapGlobalConfig>(address: PumpSwapGlobalConfig.address, role: "global config")
    var feeConfig = Dependent<PumpFeeConfig>(address: PumpSwapPool.feeConfigAddress, role: "fee config")
    var baseMintAccount: Dependent<TokenMint>, quoteMintAccount: Dependent<TokenMint>

    public var mintA: Pubkey { state.baseMint }
    public var mintB: Pubkey { state.quoteMint }

    public static func isPool(_ a: AccountData) -> Bool { PumpSwapPoolState.matches(a) }

    public init(pool: AccountData) throws {
        address = pool.address
        state = try PumpSwapPoolState(pool)
        baseVault = Dependent(address: state.poolBaseTokenAccount, role: "base vault")
        quoteVault = Dependent(address: state.poolQuoteTokenAccount, role: "quote vault")
        baseMintAccount = Dependent(address: state.baseMint, role: "mint")
        quoteMintAccount = Dependent(address: state.quoteMint, role: "mint")
        isPumpPool = Self.createdByPump(state)
    }

    public func accountsToWatch() -> [Pubkey] {
        [
            state.poolBaseTokenAccount, state.poolQuoteTokenAccount, PumpSwapGlobalConfig.address, Self.feeConfigAddress,
            state.baseMint, state.quoteMint,
        ]
    }

    public mutating func apply(_ a: AccountData) throws -> Bool {
        if a.address == address {
            let next = try PumpSwapPoolState(a)
            guard next.poolBaseTokenAccount == state.poolBaseTokenAccount, next.poolQuoteTokenAccount == state.poolQuoteTokenAccount else {
                throw QuoteError.invalidAccount(role: "pool", address: address, reason: "vault addresses changed")
            }
            if next.creator != state.creator || next.baseMint != state.baseMint { isPumpPool = Self.createdByPump(next) }
            state = next
            return true
        }
        return try baseVault.apply(a) || quoteVault.apply(a) || globalConfig.apply(a) || feeConfig.apply(a)
            || baseMintAccount.apply(a) || quoteMintAccount.apply(a)
    }

    /// Canonical (pump.fun-migrated) pools use market-cap tiers; others the flat fees. Derived once
    /// per pool state (a PDA search costs tens of microseconds; quotes must not pay it).
    private(set) var isPumpPool = false

    static func createdByPump(_ state: PumpSwapPoolState) -> Bool {
        guard let authority = ProgramAddress.find(seeds: [Array("pool-authority".utf8), state.baseMint.bytes], programId: pumpProgram)
        else { return false }
        return state.creator == authority.0
    }

    /// Fees in force: FeeConfig when provided (tiers for pump pools by market cap in quote units,
    /// flat otherwise), else GlobalConfig. The creator fee is zero when the pool has no coin creator.
    func fees(baseReserve: UInt64, quoteReserve: UInt64) throws -> PumpSwapFees {
        var f: PumpSwapFees
        if let fc = feeConfig.value {
            if isPumpPool, let supply = baseMintAccount.value?.supply, baseReserve > 0 {
                // SDK `poolMarketCap`: quote_reserve · base_supply / base_reserve.
                let cap = UInt128(quoteReserve).multipliedReportingOverflow(by: UInt128(supply))
                f = fc.tier(marketCapLamports: cap.overflow ? .max : cap.partialValue / UInt128(baseReserve))
            } else {
                f = fc.flatFees
            }
        } else {
            f = try globalConfig.get().fees
        }
        if state.coinCreator == .zero { f.creatorFeeBps = 0 }
        guard f.lpFeeBps + f.protocolFeeBps + f.creatorFeeBps < 10_000 else {
            throw QuoteError.invalidAccount(role: "fee config", address: feeConfig.address, reason: "fees ≥ 100%")
        }
        return f
    }

    public func price(context: QuoteContext) throws -> PoolPrice {
        let b = try baseVault.get().amount, q = try quoteVault.get().amount
        let db = try KnownMints.decimals(of: baseMintAccount), dq = try KnownMints.decimals(of: quoteMintAccount)
        return PoolPrice(
            mintA: mintA, mintB: mintB, decimalsA: db, decimalsB: dq, reserveA: b, reserveB: q,
            priceBPerA: ConstantProductCurve.spot(reserveIn: b, reserveOut: q, decimalsIn: db, decimalsOut: dq))
    }

    static func ceilBps(_ x: UInt128, _ bps: UInt64) -> UInt128 { (x * UInt128(bps) + 9_999) / 10_000 }

    /// sell (base in): q = floor(Rq·b/(Rb+b)), out = q − ceil(q·lp) − ceil(q·protocol) − ceil(q·creator) (bps).
    /// buy (quote in): eff = floor(spend·1e4/(1e4+Σbps)), fees = per-component ceil on eff, eff −= max(0, eff+fees−spend),
    /// out = floor(Rb·(eff−1)/(Rq+(eff−1))).
    public func quote(amountIn: UInt64, inputMint: Pubkey, context: QuoteContext) throws -> Quote {
        try swap(amountIn: amountIn, inputMint: inputMint, context: context, recordState: false).quote
    }

    /// The swap, and with `recordState` what it writes back (the simulator's view; quotes pass false).
    func swap(amountIn: UInt64, inputMint: Pubkey, context: QuoteContext, recordState: Bool) throws -> SwapEffect {
        let sell = try isAToB(inputMint)
        guard amountIn > 0 else { throw QuoteError.zeroAmount }
        let rb = try baseVault.get().amount, rq = try quoteVault.get().amount
        let f = try fees(baseReserve: rb, quoteReserve: rq)
        let db = try KnownMints.decimals(of: baseMintAccount), dq = try KnownMints.decimals(of: quoteMintAccount)
        let x = UInt128(amountIn)
        var out: UInt128, fee: UInt128, newBase: UInt128, newQuote: UInt128
        if sell {
            guard let q = ConstantProductCurve.outFloor(reserveIn: rb, reserveOut: rq, netIn: x) else {
                throw QuoteError.insufficientLiquidity("empty pool")
            }
            fee = Self.ceilBps(q, f.lpFeeBps) + Self.ceilBps(q, f.protocolFeeBps) + Self.ceilBps(q, f.creatorFeeBps)
            guard q > fee else { throw QuoteError.zeroOutput }
            out = q - fee
            newBase = UInt128(rb) + x
            newQuote = UInt128(rq) - q + Self.ceilBps(q, f.lpFeeBps)  // the LP fee stays in the pool
        } else {
            var eff = x * 10_000 / (10_000 + UInt128(f.lpFeeBps + f.protocolFeeBps + f.creatorFeeBps))
            fee = Self.ceilBps(eff, f.lpFeeBps) + Self.ceilBps(eff, f.protocolFeeBps) + Self.ceilBps(eff, f.creatorFeeBps)
            if eff + fee > x {
                // Tiny amounts: the per-component ceilings can exceed the input itself.
                guard fee < x else { throw QuoteError.zeroOutput }
                eff = x - fee
            }
            guard eff > 1 else { throw QuoteError.zeroOutput }
            guard let o = ConstantProductCurve.outFloor(reserveIn: rq, reserveOut: rb, netIn: eff - 1) else {
                throw QuoteError.insufficientLiquidity("empty pool")
            }
            out = o
            fee = x - eff
            newQuote = UInt128(rq) + eff + Self.ceilBps(eff, f.lpFeeBps)
            newBase = UInt128(rb) - out
        }
        guard out > 0 else { throw QuoteError.zeroOutput }
        let (dIn, dOut) = sell ? (db, dq) : (dq, db)
        let before =
            sell
            ? ConstantProductCurve.spot(reserveIn: rb, reserveOut: rq, decimalsIn: db, decimalsOut: dq)
            : ConstantProductCurve.spot(reserveIn: rq, reserveOut: rb, decimalsIn: dq, decimalsOut: db)
        let after =
            sell
            ? ConstantProductCurve.spot(
                reserveIn: UInt64(clamping: newBase), reserveOut: UInt64(clamping: newQuote), decimalsIn: dIn, decimalsOut: dOut)
            : ConstantProductCurve.spot(
                reserveIn: UInt64(clamping: newQuote), reserveOut: UInt64(clamping: newBase), decimalsIn: dIn, decimalsOut: dOut)
        // The pool's vaults end at the new reserves (the LP fee stays in; protocol and creator fees
        // go to accounts outside the pool).
        var stateAfter = PoolStateAfter()
        if recordState {
            stateAfter.move(baseVault.address, by: Int128(newBase) - Int128(rb))
            stateAfter.move(quoteVault.address, by: Int128(newQuote) - Int128(rq))
        }
        return SwapEffect(
            quote: Quote(
                pool: address, dex: Self.dex, inputMint: inputMint, outputMint: sell ? mintB : mintA, amountIn: amountIn,
                amountOut: UInt64(out), feeAmount: UInt64(clamping: fee), feeMint: mintB,
                priceBefore: before, priceAfter: after),
            after: recordState ? stateAfter : nil)
    }
}
