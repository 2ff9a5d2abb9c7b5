import PoolMath
import SolanaCore

// Meteora DAMM v1 (dynamic AMM, `Eo7WjKq6…`) on top of Meteora dynamic vaults (`24Uqj9JC…`). dex-layouts.md §9.
// Sources (MeteoraAg/dynamic-amm-sdk @b21e2ef): programs/dynamic-amm/src/state.rs (`Pool`, Borsh `#[account]`,
// `PoolFees`, `calculate_fee`, `CurveType`), programs/dynamic-amm/src/constants.rs (depeg),
// programs/dynamic-vault/src/state.rs (`Vault`, `LockedProfitTracker`), dynamic-amm-quote/src/lib.rs
// (`compute_quote`), dynamic-amm-quote/src/math/{constant_product,stable_swap}.rs, dynamic-amm-quote/src/depeg/*.rs.

/// Quoting model of one DAMM v1 pool. Reserves are the pool's share of each vault
/// (`pool vault-LP × unlocked vault total ÷ vault LP supply`), so it watches both vaults, the pool's two
/// vault-LP token accounts, the two vault LP mints (known once the vaults are applied), the vaults' token
/// accounts (the program's withdraw check), the token mints (decimals) and, for mSOL depeg pools, the
/// Marinade state.
///
/// ```swift
/// let pool = try SnapshotQuoter.pool(address: key, accounts: byAddress)
/// let q = try pool.quote(amountIn: 1_000_000, inputMint: usdc, context: QuoteContext(now: now))
/// ```
public struct MeteoraDammV1Pool: PoolModel {
    /// Fixed fee rates in its accounts (no time-based fee): rate bounds may discount the fee.
    public var tradeFeeIsConstantOverTime: Bool { true }
    public static let dex = DexKind.meteoraDammV1
    /// constants.rs depeg::BASE_CACHE_EXPIRES and depeg::PRECISION.
    static let baseCacheExpires: UInt64 = 600
    static let depegPrecision: UInt64 = 1_000_000

    public private(set) var state: MeteoraDammV1PoolState
    var vaultA: Dependent<MeteoraVault>
    var vaultB: Dependent<MeteoraVault>
    var poolLpA: Dependent<TokenAccount>
    var poolLpB: Dependent<TokenAccount>
    var tokenMintA: Dependent<TokenMint>
    var tokenMintB: Dependent<TokenMint>
    var vaultLpMintA: Dependent<TokenMint>?
    var vaultLpMintB: Dependent<TokenMint>?
    var vaultTokenA: Dependent<TokenAccount>?
    var vaultTokenB: Dependent<TokenAccount>?
    var marinade: Dependent<MarinadeState>?

    public var address: Pubkey { state.address }
    public var mintA: Pubkey { state.tokenAMint }
    public var mintB: Pubkey { state.tokenBMint }

    public static func isPool(_ account: AccountData) -> Bool { MeteoraDammV1PoolState.matches(account) }

    public init(pool: AccountData) throws {
        let s = try MeteoraDammV1PoolState(pool)
        state = s
        vaultA = Dependent(address: s.aVault, role: "vault A")
        vaultB = Dependent(address: s.bVault, role: "vault B")
        poolLpA = Dependent(address: s.aVaultLp, role: "pool vault-A LP account")
        poolLpB = Dependent(address: s.bVaultLp, role: "pool vault-B LP account")
        tokenMintA = Dependent(address: s.tokenAMint, role: "token A mint")
        tokenMintB = Dependent(address: s.tokenBMint, role: "token B mint")
        if case let .stable(_, _, _, _, depeg) = s.curve, depeg.depegType == 1 {
            marinade = Dependent(address: MarinadeState.stateAddress, role: "Marinade state")
        }
    }

    public func accountsToWatch() -> [Pubkey] {
        var keys = [state.aVault, state.bVault, state.aVaultLp, state.bVaultLp, state.tokenAMint, state.tokenBMint]
        for d in [vaultLpMintA, vaultLpMintB] { if let d { keys.append(d.address) } }
        for d in [vaultTokenA, vaultTokenB] { if let d { keys.append(d.address) } }
        if let m = marinade { keys.append(m.address) }
        return keys
    }

    public mutating func apply(_ account: AccountData) throws -> Bool {
        if account.address == state.address {
            let s = try MeteoraDammV1PoolState(account)
            guard s.aVault == state.aVault, s.bVault == state.bVault, s.aVaultLp == state.aVaultLp,
                s.bVaultLp == state.bVaultLp
            else {
                throw QuoteError.invalidAccount(role: "pool", address: account.address, reason: "vault accounts changed")
            }
            state = s
            return true
        }
        var va = vaultA, vb = vaultB
        if try va.apply(account) {
            let v = try va.get()
            try Self.check(v.tokenMint == state.tokenAMint, va, "token mint is not token A")
            vaultA = va
            vaultLpMintA = Dependent(address: v.lpMint, role: "vault A LP mint", value: vaultLpMintA?.address == v.lpMint ? vaultLpMintA?.value : nil)
            vaultTokenA = Dependent(
                address: v.tokenVault, role: "vault A token account", value: vaultTokenA?.address == v.tokenVault ? vaultTokenA?.value : nil)
            return true
        }
        if try vb.apply(account) {
            let v = try vb.get()
            try Self.check(v.tokenMint == state.tokenBMint, vb, "token mint is not token B")
            vaultB = vb
            vaultLpMintB = Dependent(address: v.lpMint, role: "vault B LP mint", value: vaultLpMintB?.address == v.lpMint ? vaultLpMintB?.value : nil)
            vaultTokenB = Dependent(
                address: v.tokenVault, role: "vault B token account", value: vaultTokenB?.address == v.tokenVault ? vaultTokenB?.value : nil)
            return true
        }
        var la = poolLpA, lb = poolLpB, ma = tokenMintA, mb = tokenMintB
        if try la.apply(account) { poolLpA = la; return true }
        if try lb.apply(account) { poolLpB = lb; return true }
        if try ma.apply(account) { tokenMintA = ma; return true }
        if try mb.apply(account) { tokenMintB = mb; return true }
        if var d = vaultLpMintA, try d.apply(account) { vaultLpMintA = d; return true }
        if var d = vaultLpMintB, try d.apply(account) { vaultLpMintB = d; return true }
        if var d = vaultTokenA, try d.apply(account) { vaultTokenA = d; return true }
        if var d = vaultTokenB, try d.apply(account) { vaultTokenB = d; return true }
        if var d = marinade, try d.apply(account) { marinade = d; return true }
        return false
    }

    static func check<T: AccountLayout>(_ ok: Bool, _ d: Dependent<T>, _ why: String) throws {
        if !ok { throw QuoteError.invalidAccount(role: d.role, address: d.address, reason: why) }
    }

    static func need<T: AccountLayout>(_ d: Dependent<T>?, _ role: String, after vault: Pubkey) throws -> T {
        guard let d else { throw QuoteError.missingAccount(role: role, address: vault) }
        return try d.get()
    }

    /// One side of the pool: its vault, the pool's LP in it, and the vault LP supply.
    struct Side {
        var vault: MeteoraVault
        var poolLp: UInt64
        var lpSupply: UInt64
        var vaultTokenAmount: UInt64
    }

    func sides() throws -> (Side, Side) {
        let va = try vaultA.get(), vb = try vaultB.get()
        let a = Side(
            vault: va, poolLp: try poolLpA.get().amount,
            lpSupply: try Self.need(vaultLpMintA, "vault A LP mint", after: va.address).supply,
            vaultTokenAmount: try Self.need(vaultTokenA, "vault A token account", after: va.address).amount)
        let b = Side(
            vault: vb, poolLp: try poolLpB.get().amount,
            lpSupply: try Self.need(vaultLpMintB, "vault B LP mint", after: vb.address).supply,
            vaultTokenAmount: try Self.need(vaultTokenB, "vault B token account", after: vb.address).amount)
        return (a, b)
    }

    static func unixNow(_ context: QuoteContext) throws -> UInt64 {
        guard context.now >= 0 else { throw QuoteError.mathOverflow("negative clock") }
        return UInt64(context.now)
    }

    /// Token amounts the pool owns (lib.rs compute_pool_tokens) at `now`.
    public func reserves(now: UInt64) throws -> (UInt64, UInt64) {
        let (a, b) = try sides()
        return (
            try a.vault.amount(byShare: a.poolLp, totalSupply: a.lpSupply, now: now),
            try b.vault.amount(byShare: b.poolLp, totalSupply: b.lpSupply, now: now)
        )
    }

    /// depeg/mod.rs update_base_virtual_price: the cached virtual price, refreshed from the stake pool
    /// when older than 10 minutes (only Marinade is read here).
    func effectiveCurve(now: UInt64) throws -> MeteoraDammV1PoolState.Curve {
        guard case .stable(let amp, let ma, let mb, let pf, var depeg) = state.curve, depeg.depegType != 0 else {
            return state.curve
        }
        let (expiry, o) = depeg.baseCacheUpdated.addingReportingOverflow(Self.baseCacheExpires)
        guard !o else { throw QuoteError.mathOverflow("depeg cache expiry") }
        if now > expiry {
            guard depeg.depegType == 1 else {
                throw QuoteError.unsupported("depeg type \(depeg.depegType) (Lido / SPL stake pool virtual price)")
            }
            guard let vp = try Self.need(marinade, "Marinade state", after: MarinadeState.stateAddress).virtualPrice else {
                throw QuoteError.mathOverflow("Marinade virtual price")
            }
            depeg.baseVirtualPrice = vp
            depeg.baseCacheUpdated = now
        }
        return .stable(amp: amp, tokenAMultiplier: ma, tokenBMultiplier: mb, precisionFactor: pf, depeg: depeg)
    }

    /// Upscaling factors of (token A, token B) for the stable curve (math/stable_swap.rs upscale_token_*):
    /// multiplier, times PRECISION for A / the virtual price for B in depeg pools.
    static func scales(_ curve: MeteoraDammV1PoolState.Curve) throws -> (UInt128, UInt128) {
        guard case let .stable(_, ma, mb, _, depeg) = curve else { return (1, 1) }
        if depeg.depegType == 0 { return (UInt128(ma), UInt128(mb)) }
        return (UInt128(ma) * UInt128(depegPrecision), UInt128(mb) * UInt128(depeg.baseVirtualPrice))
    }

    /// The curve's output for `amountIn` (already net of fees), in raw units.
    static func curveOut(
        _ curve: MeteoraDammV1PoolState.Curve, amountIn: UInt64, reserveIn: UInt64,
        reserveOut: UInt64, aToB: Bool
    ) throws -> UInt64 {
        switch curve {
        case .constantProduct:
            // spl-token-swap constant_product::swap: new_out = ceil_div(in_res * out_res, in_res + in).
            let invariant = UInt128(reserveIn) * UInt128(reserveOut)
            let newIn = UInt128(reserveIn) + UInt128(amountIn)
            guard let newOut = ConstantProductCurve.newReserveOut(invariant: invariant, newReserveIn: newIn) else {
                throw QuoteError.insufficientLiquidity("constant product: invariant below new input reserve")
            }
            guard UInt128(reserveOut) > newOut else { throw QuoteError.zeroOutput }
            return UInt64(UInt128(reserveOut) - newOut)
        case let .stable(amp, _, _, _, depeg):
            let (sa, sb) = try scales(curve)
            let (sIn, sOut) = aToB ? (sa, sb) : (sb, sa)
            func up(_ v: UInt64, _ s: UInt128) throws -> UInt128 {
                let (p, o) = UInt128(v).multipliedReportingOverflow(by: s)
                guard !o else { throw QuoteError.mathOverflow("stable upscale") }
                return p
            }
            guard
                let dy = StableSwapMath(amp: amp).swapOut(
                    sourceAmount: try up(amountIn, sIn),
                    swapSource: try up(reserveIn, sIn),
                    swapDestination: try up(reserveOut, sOut))
            else {
                throw QuoteError.mathOverflow("stable swap")
            }
            // downscale: divide by the multiplier, then by PRECISION / virtual price (two floors, as the crate).
            guard case let .stable(_, ma, mb, _, _) = curve else { return 0 }
            let mult = UInt128(aToB ? mb : ma)
            guard mult > 0 else { throw QuoteError.mathOverflow("stable downscale") }
            var out = dy / mult
            if depeg.depegType != 0 {
                let p = aToB ? UInt128(depeg.baseVirtualPrice) : UInt128(depegPrecision)
                guard p > 0 else { throw QuoteError.mathOverflow("stable downscale") }
                out /= p
            }
            guard out <= UInt128(UInt64.max) else { throw QuoteError.mathOverflow("stable output") }
            return UInt64(out)
        }
    }

    /// Marginal price of A in B (raw units) at the given reserves: reserve ratio for constant product;
    /// for StableSwap, −dy/dx of Ann·(x+y) + D = Ann·D + D³/(4xy) in upscaled units:
    /// (4·Ann·x²y² + D³·y) / (4·Ann·x²y² + D³·x), then rescaled to raw units.
    static func rawPriceBPerA(_ curve: MeteoraDammV1PoolState.Curve, reserveA: UInt64, reserveB: UInt64) throws -> Ratio {
        switch curve {
        case .constantProduct:
            return Ratio(reserveB, reserveA)
        case let .stable(amp, _, _, _, _):
            let (sa, sb) = try scales(curve)
            let x = UInt128(reserveA).multipliedReportingOverflow(by: sa), y = UInt128(reserveB).multipliedReportingOverflow(by: sb)
            guard !x.overflow, !y.overflow, let d = StableSwapMath(amp: amp).computeD(x.partialValue, y.partialValue) else {
                throw QuoteError.mathOverflow("stable price")
            }
            let bx = BigNat(x.partialValue), by = BigNat(y.partialValue), bd = BigNat(d)
            let k = BigNat(4) * BigNat(amp) * BigNat(2) * bx * bx * by * by
            let d3 = bd * bd * bd
            // dy_up/dx_up × (sa / sb) = raw dB/dA.
            return Ratio(num: (k + d3 * by) * BigNat(sa), den: (k + d3 * bx) * BigNat(sb))
        }
    }

    /// Token decimals from the mints; for stable pools without the mints applied, from the pool itself:
    /// `token_x_multiplier` = 10^(precision_factor − decimals_x) (curve_type.rs `TokenMultiplier` doc).
    func decimals() throws -> (UInt8, UInt8) {
        if let a = tokenMintA.value, let b = tokenMintB.value { return (a.decimals, b.decimals) }
        if case let .stable(_, ma, mb, pf, _) = state.curve {
            func digits(_ m: UInt64) -> UInt8? {
                var m = m, n: UInt8 = 0
                while m > 1 && m % 10 == 0 { m /= 10; n += 1 }
                return m == 1 && n <= pf ? pf - n : nil
            }
            if let a = digits(ma), let b = digits(mb) { return (a, b) }
        }
        return (try tokenMintA.get().decimals, try tokenMintB.get().decimals)
    }

    public func price(context: QuoteContext) throws -> PoolPrice {
        let now = try Self.unixNow(context)
        let (ra, rb) = try reserves(now: now)
        let (da, db) = try decimals()
        let raw = try Self.rawPriceBPerA(try effectiveCurve(now: now), reserveA: ra, reserveB: rb)
        return PoolPrice(
            mintA: mintA, mintB: mintB, decimalsA: da, decimalsB: db, reserveA: ra, reserveB: rb,
            priceBPerA: raw.scaled(byPow10: Int(da) - Int(db)))
    }

    /// dynamic-amm state.rs calculate_fee: floor(amount × num / den), at least 1 when non-zero.
    static func calculateFee(_ amount: UInt64, _ num: UInt64, _ den: UInt64) throws -> UInt64 {
        if num == 0 || amount == 0 { return 0 }
        guard den > 0 else { throw QuoteError.mathOverflow("fee denominator") }
        let fee = UInt128(amount) * UInt128(num) / UInt128(den)
        guard fee <= UInt128(UInt64.max) else { throw QuoteError.mathOverflow("fee") }
        return fee == 0 ? 1 : UInt64(fee)
    }

    /// dynamic-amm-quote lib.rs compute_quote.
    public func quote(amountIn: UInt64, inputMint: Pubkey, context: QuoteContext) throws -> Quote {
        try swap(amountIn: amountIn, inputMint: inputMint, context: context, recordState: false).quote
    }

    /// The swap, and with `recordState` what it writes back (the simulator's view; quotes pass false).
    func swap(amountIn: UInt64, inputMint: Pubkey, context: QuoteContext, recordState: Bool) throws -> SwapEffect {
        let aToB = try isAToB(inputMint)
        guard amountIn > 0 else { throw QuoteError.zeroAmount }
        let s = state
        try checkTradable(context)
        let now = try Self.unixNow(context)
        let curve = try effectiveCurve(now: now)
        let (sideA, sideB) = try sides()
        let tokenA = try sideA.vault.amount(byShare: sideA.poolLp, totalSupply: sideA.lpSupply, now: now)
        let tokenB = try sideB.vault.amount(byShare: sideB.poolLp, totalSupply: sideB.lpSupply, now: now)
        var inSide = aToB ? sideA : sideB
        let outSide = aToB ? sideB : sideA
        let (inTotal, outTotal) = aToB ? (tokenA, tokenB) : (tokenB, tokenA)

        let totalTradeFee = try Self.calculateFee(amountIn, s.tradeFeeNumerator, s.tradeFeeDenominator)
        let protocolFee = try Self.calculateFee(totalTradeFee, s.protocolTradeFeeNumerator, s.protocolTradeFeeDenominator)
        guard protocolFee <= totalTradeFee, protocolFee <= amountIn else { throw QuoteError.mathOverflow("protocol fee") }
        let tradeFee = totalTradeFee - protocolFee
        let inAfterProtocolFee = amountIn - protocolFee

        // Deposit into the input vault: LP minted, then the pool's new share of the grown vault.
        let inLp = try inSide.vault.unmintAmount(token: inAfterProtocolFee, totalSupply: inSide.lpSupply, now: now)
        let (newTotal, o1) = inSide.vault.totalAmount.addingReportingOverflow(inAfterProtocolFee)
        let (newShare, o2) = inLp.addingReportingOverflow(inSide.poolLp)
        let (newSupply, o3) = inSide.lpSupply.addingReportingOverflow(inLp)
        guard !(o1 || o2 || o3) else { throw QuoteError.mathOverflow("vault deposit") }
        inSide.vault.totalAmount = newTotal
        let afterInTotal = try inSide.vault.amount(byShare: newShare, totalSupply: newSupply, now: now)
        guard afterInTotal >= inTotal else { throw QuoteError.mathOverflow("actual in amount") }
        let actualIn = afterInTotal - inTotal
        guard actualIn >= tradeFee else { throw QuoteError.mathOverflow("in amount after fee") }
        let actualInAfterFee = actualIn - tradeFee

        let swapped = try Self.curveOut(curve, amountIn: actualInAfterFee, reserveIn: inTotal, reserveOut: outTotal, aToB: aToB)
        // Withdraw from the output vault with share rounding.
        let outLp = try outSide.vault.unmintAmount(token: swapped, totalSupply: outSide.lpSupply, now: now)
        let out = try outSide.vault.amount(byShare: outLp, totalSupply: outSide.lpSupply, now: now)
        guard out < outSide.vaultTokenAmount else {
            throw QuoteError.insufficientLiquidity("out amount \(out) ≥ vault token balance \(outSide.vaultTokenAmount)")
        }

        let (da, db) = try decimals()
        let before = try Self.rawPriceBPerA(curve, reserveA: tokenA, reserveB: tokenB)
        let (newIn, o4) = inTotal.addingReportingOverflow(actualIn)
        // The pool's output reserve after the withdrawal: its remaining LP share of the drained vault.
        var drained = outSide.vault
        drained.totalAmount -= min(out, drained.totalAmount)
        let newOut =
            outSide.poolLp >= outLp && outSide.lpSupply > outLp
            ? try drained.amount(byShare: outSide.poolLp - outLp, totalSupply: outSide.lpSupply - outLp, now: now) : 0
        let after =
            o4 || newOut == 0
            ? before
            : try Self.rawPriceBPerA(curve, reserveA: aToB ? newIn : newOut, reserveB: aToB ? newOut : newIn)
        let scale = Int(da) - Int(db)
        func human(_ r: Ratio) -> Ratio { aToB ? r.scaled(byPow10: scale) : r.scaled(byPow10: scale).inverted }
        return SwapEffect(
            quote: Quote(
                pool: address, dex: Self.dex, inputMint: inputMint, outputMint: aToB ? mintB : mintA,
                amountIn: amountIn, amountOut: out, feeAmount: totalTradeFee, feeMint: inputMint,
                priceBefore: human(before), priceAfter: human(after)),
            after: recordState
                ? stateAfterSwap(
                    aToB: aToB, inVault: inSide.vault, outVault: outSide.vault, deposited: inAfterProtocolFee, inLp: inLp,
                    newInTotal: newTotal, out: out, outLp: outLp, protocolFee: protocolFee) : nil)
    }

    /// The pool's trading gate: `enabled` and the activation point (slot or unix time per
    /// activation_type) reached.
    func checkTradable(_ context: QuoteContext) throws {
        let s = state
        let currentPoint: UInt64
        switch s.activationType {
        case 0: currentPoint = context.slot
        case 1: currentPoint = try Self.unixNow(context)
        default: throw QuoteError.unsupported("activation_type \(s.activationType)")
        }
        guard s.enabled else { throw QuoteError.swapDisabled("pool disabled") }
        guard currentPoint >= s.activationPoint else {
            throw QuoteError.notOpenYet("activation point \(s.activationPoint), now \(currentPoint)")
        }
    }

    /// swap: deposit into the input vault (LP minted to the pool), withdraw from the output vault
    /// (pool LP burned), protocol fee straight to the admin fee account of the input token.
    func stateAfterSwap(
        aToB: Bool, inVault: MeteoraVault, outVault: MeteoraVault, deposited: UInt64, inLp: UInt64, newInTotal: UInt64,
        out: UInt64, outLp: UInt64, protocolFee: UInt64
    ) -> PoolStateAfter {
        let s = state
        var stateAfter = PoolStateAfter()
        let (inPoolLp, outPoolLp) = aToB ? (s.aVaultLp, s.bVaultLp) : (s.bVaultLp, s.aVaultLp)
        stateAfter.move(inVault.tokenVault, by: Int128(deposited))
        stateAfter.move(inPoolLp, by: Int128(inLp))
        stateAfter.mintSupplyDeltas[inVault.lpMint] = Int128(inLp)
        stateAfter.meteoraVaultTotals[inVault.address] = newInTotal
        stateAfter.move(outVault.tokenVault, by: -Int128(out))
        stateAfter.move(outPoolLp, by: -Int128(outLp))
        stateAfter.mintSupplyDeltas[outVault.lpMint] = -Int128(outLp)
        stateAfter.meteoraVaultTotals[outVault.address] = outVault.totalAmount - min(out, outVault.totalAmount)
        if protocolFee > 0 { stateAfter.feeAccountDeltas[aToB ? s.protocolTokenAFee : s.protocolTokenBFee] = Int128(protocolFee) }
        return stateAfter
    }
}
