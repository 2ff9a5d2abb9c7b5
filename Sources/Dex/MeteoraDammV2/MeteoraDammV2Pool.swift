import PoolMath
import SolanaCore

// Meteora DAMM v2 (cp-amm, `cpamdpZC…`). dex-layouts.md §8.
// Sources (MeteoraAg/damm-v2 @a3d3827, programs/cp-amm/src/): state/pool.rs (`Pool`, zero_copy, 1104 B + 8),
// state/fee.rs (`PoolFeesStruct`, `DynamicFeeStruct`, `FeeMode::get_fee_mode`), base_fee/*.rs (schedulers,
// rate limiter), liquidity_handler/{concentrated,compounding}_liquidity.rs, math/fee_math.rs, constants.rs,
// instructions/swap/{ix_p_swap.rs, swap_exact_in.rs}, pool_action_access/permissionless.rs.

/// Quoting model of one DAMM v2 pool: concentrated (single price range, `collect_fee_mode` 0/1) or
/// compounding (constant product on tracked reserves, mode 2). No tick arrays: it watches the two
/// vaults (display reserves) and the two mints (decimals — the pool state has none — and Token-2022
/// transfer fees when `token_x_flag` is 1).
///
/// ```swift
/// var pool = try MeteoraDammV2Pool(pool: account)
/// for key in pool.accountsToWatch() { if let a = store[key] { _ = try pool.apply(a) } }
/// let q = try pool.quote(amountIn: 1_000_000_000, inputMint: pool.mintA, context: QuoteContext(now: now))
/// ```
public struct MeteoraDammV2Pool: PoolModel {
    public static let dex = DexKind.meteoraDammV2
    /// constants.rs `fee::FEE_DENOMINATOR`.
    static let feeDenominator: UInt64 = 1_000_000_000

    public private(set) var state: MeteoraDammV2PoolState
    public private(set) var vaultA: Dependent<TokenAccount>
    public private(set) var vaultB: Dependent<TokenAccount>
    public private(set) var mintAAccount: Dependent<TokenMint>
    public private(set) var mintBAccount: Dependent<TokenMint>

    public var address: Pubkey { state.address }
    public var mintA: Pubkey { state.tokenAMint }
    public var mintB: Pubkey { state.tokenBMint }

    public static func isPool(_ account: AccountData) -> Bool { MeteoraDammV2PoolState.matches(account) }

    public init(pool: AccountData) throws {
        let s = try MeteoraDammV2PoolState(pool)
        state = s
        vaultA = Dependent(address: s.tokenAVault, role: "token A vault")
        vaultB = Dependent(address: s.tokenBVault, role: "token B vault")
        mintAAccount = Dependent(address: s.tokenAMint, role: "token A mint")
        mintBAccount = Dependent(address: s.tokenBMint, role: "token B mint")
    }

    public func accountsToWatch() -> [Pubkey] {
        [state.tokenAVault, state.tokenBVault, state.tokenAMint, state.tokenBMint]
    }

    public mutating func apply(_ account: AccountData) throws -> Bool {
        if account.address == state.address {
            let s = try MeteoraDammV2PoolState(account)
            guard s.tokenAVault == state.tokenAVault, s.tokenBVault == state.tokenBVault,
                s.tokenAMint == state.tokenAMint, s.tokenBMint == state.tokenBMint
            else {
                throw QuoteError.invalidAccount(role: "pool", address: account.address, reason: "vaults or mints changed")
            }
            state = s
            return true
        }
        // Copies first, so a rejected account leaves the model unchanged.
        var va = vaultA, vb = vaultB, ma = mintAAccount, mb = mintBAccount
        if try va.apply(account) {
            guard va.value?.mint == state.tokenAMint else {
                throw QuoteError.invalidAccount(role: va.role, address: account.address, reason: "mint is not token A")
            }
            vaultA = va; return true
        }
        if try vb.apply(account) {
            guard vb.value?.mint == state.tokenBMint else {
                throw QuoteError.invalidAccount(role: vb.role, address: account.address, reason: "mint is not token B")
            }
            vaultB = vb; return true
        }
        if try ma.apply(account) { mintAAccount = ma; return true }
        if try mb.apply(account) { mintBAccount = mb; return true }
        return false
    }

    var isCompounding: Bool { state.collectFeeMode == 2 }

    /// Spot price B per A in raw units: (sqrt_price / 2^64)^2 for concentrated pools; the reserve ratio
    /// for compounding pools (their curve is x*y=k on the tracked amounts).
    func rawPriceBPerA(sqrtPrice: UInt128, reserveA: UInt64, reserveB: UInt64) -> Ratio {
        if isCompounding { return Ratio(reserveB, reserveA) }
        return Ratio.squaredQ64(sqrtPrice)
    }

    func decimals() throws -> (UInt8, UInt8) {
        (try mintAAccount.get().decimals, try mintBAccount.get().decimals)
    }

    public func price(context: QuoteContext) throws -> PoolPrice {
        let (da, db) = try decimals()
        let raw = rawPriceBPerA(sqrtPrice: state.sqrtPrice, reserveA: state.tokenAAmount, reserveB: state.tokenBAmount)
        return PoolPrice(
            mintA: mintA, mintB: mintB, decimalsA: da, decimalsB: db,
            reserveA: vaultA.value?.amount, reserveB: vaultB.value?.amount,
            priceBPerA: raw.scaled(byPow10: Int(da) - Int(db)))
    }

    // MARK: - Quote

    public func quote(amountIn: UInt64, inputMint: Pubkey, context: QuoteContext) throws -> Quote {
        try swap(amountIn: amountIn, inputMint: inputMint, context: context, recordState: false).quote
    }

    /// The swap, and with `recordState` what it writes back (the simulator's view; quotes pass false).
    func swap(amountIn: UInt64, inputMint: Pubkey, context: QuoteContext, recordState: Bool) throws -> SwapEffect {
        let aToB = try isAToB(inputMint)
        guard amountIn > 0 else { throw QuoteError.zeroAmount }
        let s = state
        let (currentPoint, maxFeeNumerator) = try swapGate(context)
        let (da, db) = try decimals()
        let inMint = aToB ? mintAAccount : mintBAccount, outMint = aToB ? mintBAccount : mintAAccount
        let inIs2022 = (aToB ? s.tokenAFlag : s.tokenBFlag) != 0, outIs2022 = (aToB ? s.tokenBFlag : s.tokenAFlag) != 0

        // swap_exact_in.rs: the Token-2022 transfer fee is taken off the input before the swap.
        var inTransferFee: UInt64 = 0
        if inIs2022 { inTransferFee = try inMint.get().transferFee(on: amountIn, epoch: context.epoch) }
        guard inTransferFee < amountIn else { throw QuoteError.zeroAmount }
        let excludedIn = amountIn - inTransferFee

        // state/fee.rs FeeMode::get_fee_mode: fees on input only for b→a in OnlyB / Compounding.
        let feesOnInput = !aToB && s.collectFeeMode != 0
        let tradeFeeNumerator = try totalTradingFeeNumerator(
            currentPoint: currentPoint, includedFeeAmount: excludedIn,
            aToB: aToB, maxFeeNumerator: maxFeeNumerator)
        // pool.rs get_swap_result_from_exact_input.
        var feeAmount: UInt64 = 0
        var actualIn = excludedIn
        if feesOnInput {
            feeAmount = try Self.feeOn(excludedIn, numerator: tradeFeeNumerator)
            actualIn = excludedIn - feeAmount
        }
        var step = try swapStep(amountIn: actualIn, aToB: aToB, partial: false)
        var partial: PartialFill?
        if step == nil {
            let p = try partialFill(
                actualIn: actualIn, aToB: aToB, feesOnInput: feesOnInput, tradeFeeNumerator: tradeFeeNumerator,
                inMint: inIs2022 ? inMint : nil, epoch: context.epoch)
            step = p.step
            if feesOnInput { feeAmount = p.feeAmount }
            partial = p.fill
        }
        guard let result = step else { throw QuoteError.insufficientLiquidity("no swap") }
        var out = result.outputAmount
        if !feesOnInput {
            feeAmount = try Self.feeOn(out, numerator: tradeFeeNumerator)
            out -= feeAmount
        }
        let outFromVault = out  // what leaves the pool's vault (before the output transfer fee)
        // Transfer fee on the way out (swap_exact_in.rs excluded_transfer_fee_amount_out).
        if outIs2022 { out -= min(out, try outMint.get().transferFee(on: out, epoch: context.epoch)) }

        // Prices: output per input in human units, before and after.
        let before = rawPriceBPerA(sqrtPrice: s.sqrtPrice, reserveA: s.tokenAAmount, reserveB: s.tokenBAmount)
        var (after, stateAfter) = stateAfterSwap(
            result, actualIn: actualIn, feeAmount: feeAmount, outFromVault: outFromVault, aToB: aToB,
            feesOnInput: feesOnInput, recordState: recordState)
        if recordState {
            // apply_swap_result: compounding pools take their new sqrt price from the reserves.
            if isCompounding, let a = stateAfter.poolTokenAmountA, let b = stateAfter.poolTokenAmountB {
                stateAfter.sqrtPrice = DammV2DynamicFeeAfter.compoundingSqrtPrice(tokenA: a, tokenB: b)
            }
            if s.dynamicFee.initialized != 0, let new = stateAfter.sqrtPrice {
                stateAfter.dammV2DynamicFee = DammV2DynamicFeeAfter.after(
                    s.dynamicFee, oldSqrtPrice: s.sqrtPrice, newSqrtPrice: new,
                    now: context.now < 0 ? 0 : UInt64(context.now))
            }
        }
        let scale = Int(da) - Int(db)
        func human(_ r: Ratio) -> Ratio { aToB ? r.scaled(byPow10: scale) : r.scaled(byPow10: scale).inverted }
        return SwapEffect(
            quote: Quote(
                pool: address, dex: Self.dex, inputMint: inputMint, outputMint: aToB ? mintB : mintA,
                amountIn: amountIn, amountOut: out, feeAmount: feeAmount,
                feeMint: feesOnInput ? inputMint : (aToB ? mintB : mintA),
                priceBefore: human(before), priceAfter: human(after), partial: partial),
            after: recordState ? stateAfter : nil)
    }

    /// Whether the pool trades now (permissionless.rs `can_swap` for a non-whitelisted sender,
    /// activation, supported fee modes): the current point and the fee version's max numerator
    /// (constants.rs get_max_fee_numerator).
    func swapGate(_ context: QuoteContext) throws -> (currentPoint: UInt64, maxFeeNumerator: UInt64) {
        let s = state
        guard s.poolStatus == 0 else { throw QuoteError.swapDisabled("pool_status \(s.poolStatus)") }
        let currentPoint = try Self.currentPoint(activationType: s.activationType, context: context)
        guard currentPoint >= s.activationPoint else {
            throw QuoteError.notOpenYet("activation point \(s.activationPoint), now \(currentPoint)")
        }
        guard s.collectFeeMode <= 2 else { throw QuoteError.unsupported("collect_fee_mode \(s.collectFeeMode)") }
        switch s.feeVersion {
        case 0: return (currentPoint, 500_000_000)
        case 1: return (currentPoint, 990_000_000)
        default: throw QuoteError.unsupported("fee_version \(s.feeVersion)")
        }
    }

    /// The program rejects the exact-in swap (PriceRangeViolation); report what a partial fill
    /// (pool.rs get_swap_result_from_partial_input) would take, with no missing account. `inMint`
    /// is the Token-2022 input mint, nil for SPL Token. The fee is meaningful when fees are on input.
    func partialFill(
        actualIn: UInt64, aToB: Bool, feesOnInput: Bool, tradeFeeNumerator: UInt64, inMint: Dependent<TokenMint>?, epoch: UInt64
    ) throws -> (step: StepResult, feeAmount: UInt64, fill: PartialFill) {
        guard let p = try swapStep(amountIn: actualIn, aToB: aToB, partial: true) else {
            throw QuoteError.insufficientLiquidity("price range exhausted")
        }
        let consumed = actualIn - p.amountLeft
        var includedIn = consumed
        var feeAmount: UInt64 = 0
        if feesOnInput {
            // get_included_fee_amount: ceil(excluded * 1e9 / (1e9 - fee)).
            let den = Self.feeDenominator - tradeFeeNumerator
            includedIn = try Self.mulDivU64(consumed, Self.feeDenominator, den, roundUp: true, "partial included fee")
            feeAmount = includedIn - consumed
        }
        var filled = includedIn
        if let mint = inMint, let fee = try? mint.get().transferFeeConfig?.fee(forEpoch: epoch) {
            filled = includedIn.addingReportingOverflow(fee.inverseFee(forNet: includedIn)).partialValue
        }
        let fill = PartialFill(
            filledIn: filled, nextMissingAccount: nil,
            reason: "price reaches the pool's \(aToB ? "sqrt_min_price" : "sqrt_max_price")")
        return (p, feeAmount, fill)
    }

    /// The raw price after the swap and what it writes back: vaults, price, liquidity, the protocol
    /// fee share and, for compounding pools, the tracked reserves.
    func stateAfterSwap(
        _ result: StepResult, actualIn: UInt64, feeAmount: UInt64, outFromVault: UInt64, aToB: Bool,
        feesOnInput: Bool, recordState: Bool
    ) -> (Ratio, PoolStateAfter) {
        let s = state
        var stateAfter = PoolStateAfter()
        let usedIn = actualIn - result.amountLeft
        // Input vault receives the fee-inclusive input actually used (net of the transfer fee).
        let vaultIn = feesOnInput ? usedIn + feeAmount : usedIn
        if recordState {
            stateAfter.move(aToB ? s.tokenAVault : s.tokenBVault, by: Int128(vaultIn))
            stateAfter.move(aToB ? s.tokenBVault : s.tokenAVault, by: -Int128(outFromVault))
        }
        stateAfter.sqrtPrice = isCompounding ? nil : result.nextSqrtPrice  // compounding pools price by reserves
        stateAfter.liquidity = s.liquidity
        // split_fees: the protocol share accrues in protocol_a_fee / protocol_b_fee of the fee token.
        let feeInA = !feesOnInput && !aToB  // fees on input only happen b→a, so token A pays only as output
        if feeInA { stateAfter.protocolFeeA = splitFees(feeAmount).protocol } else { stateAfter.protocolFeeB = splitFees(feeAmount).protocol }
        guard isCompounding else { return (rawPriceBPerA(sqrtPrice: result.nextSqrtPrice, reserveA: 0, reserveB: 0), stateAfter) }
        // apply_swap_result: input side += excluded-fee input; output side −= output incl. fees; the
        // compounding share of the fee stays in token B.
        let split = splitFees(feeAmount)
        let outWithFees = result.outputAmount  // before any output-side fee
        var ra = s.tokenAAmount, rb = s.tokenBAmount
        if aToB {
            ra = ra.addingReportingOverflow(actualIn - (result.amountLeft)).partialValue
            rb = (rb >= outWithFees ? rb - outWithFees : 0).addingReportingOverflow(split.compounding).partialValue
        } else {
            rb =
                rb.addingReportingOverflow(actualIn - result.amountLeft).partialValue
                .addingReportingOverflow(split.compounding).partialValue
            ra = ra >= outWithFees ? ra - outWithFees : 0
        }
        stateAfter.poolTokenAmountA = ra
        stateAfter.poolTokenAmountB = rb
        return (ra == 0 ? Ratio(0, 1) : Ratio(rb, ra), stateAfter)
    }

    /// activation_handler.rs get_current_point: slot or unix timestamp.
    static func currentPoint(activationType: UInt8, context: QuoteContext) throws -> UInt64 {
        switch activationType {
        case 0: return context.slot
        case 1: return context.now < 0 ? 0 : UInt64(context.now)
        default: throw QuoteError.unsupported("activation_type \(activationType)")
        }
    }

    /// `PoolFeesStruct::get_excluded_fee_amount`: fee = ceil(amount * numerator / 1e9).
    static func feeOn(_ amount: UInt64, numerator: UInt64) throws -> UInt64 {
        let fee = try mulDivU64(amount, numerator, feeDenominator, roundUp: true, "trading fee")
        guard fee <= amount else { throw QuoteError.mathOverflow("trading fee") }
        return fee
    }

    /// utils_math.rs safe_mul_div_cast_u64 (u128 intermediate), in PoolMath `CheckedMulDiv`.
    static func mulDivU64(_ x: UInt64, _ y: UInt64, _ d: UInt64, roundUp: Bool, _ what: String) throws -> UInt64 {
        guard let q = CheckedMulDiv.u64(x, y, d, roundUp: roundUp) else { throw QuoteError.mathOverflow(what) }
        return q
    }

    /// state/fee.rs split_fees (no referral): protocol = fee * pct / 100, compounding = rest * bps / 10000.
    func splitFees(_ fee: UInt64) -> (protocol: UInt64, compounding: UInt64, claiming: UInt64) {
        let protocolFee = UInt64(UInt128(fee) * UInt128(state.protocolFeePercent) / 100)
        let trading = fee - min(fee, protocolFee)
        let compounding = UInt64(UInt128(trading) * UInt128(state.compoundingFeeBps) / 10_000)
        return (protocolFee, compounding, trading - min(trading, compounding))
    }

    // MARK: Fees

    /// `PoolFeesStruct::get_total_trading_fee_from_included_fee_amount`: base fee (scheduler / rate
    /// limiter) + variable fee, capped at the version's max.
    func totalTradingFeeNumerator(
        currentPoint: UInt64, includedFeeAmount: UInt64, aToB: Bool,
        maxFeeNumerator: UInt64
    ) throws -> UInt64 {
        let base = try baseFeeNumerator(currentPoint: currentPoint, includedFeeAmount: includedFeeAmount, aToB: aToB)
        let variable = try variableFee()
        let (total, o) = variable.addingReportingOverflow(UInt128(base))
        guard !o, total <= UInt128(UInt64.max) else { throw QuoteError.mathOverflow("total fee numerator") }
        return min(UInt64(total), maxFeeNumerator)
    }

    /// `DynamicFeeStruct::get_variable_fee`: ceil((va * bin_step)^2 * vfc / 1e11) when initialized
    /// (PoolMath `VariableFee`). The accumulator is only updated after a swap, so the quote uses the stored value.
    func variableFee() throws -> UInt128 {
        let d = state.dynamicFee
        guard d.initialized != 0 else { return 0 }
        guard
            let v = VariableFee.numerator(
                volatilityAccumulator: d.volatilityAccumulator, binStep: d.binStep, variableFeeControl: d.variableFeeControl)
        else { throw QuoteError.mathOverflow("variable fee") }
        return v
    }

    /// Base fee numerator from `base_fee_info` (base_fee/base_fee_serde.rs get_base_fee_handler): the
    /// parameters decoded from the pool's bytes, the arithmetic in PoolMath `FeeScheduler` / `FeeRateLimiter`.
    func baseFeeNumerator(currentPoint: UInt64, includedFeeAmount: UInt64, aToB: Bool) throws -> UInt64 {
        let r = ByteReader([UInt8](repeating: 0, count: 8) + state.baseFeeData)  // same offsets as the account
        let cliff = try r.u64(8)
        let activation = state.activationPoint
        do {
            switch state.baseFeeMode {
            case 0, 1:
                // fee_time_scheduler.rs PodAlignedFeeTimeScheduler::get_base_fee_numerator.
                let periods = UInt64(try r.u16(22)), frequency = try r.u64(24), reduction = try r.u64(32)
                if frequency == 0 { return cliff }
                let period = FeeScheduler.timePeriod(
                    currentPoint: currentPoint, activationPoint: activation, frequency: frequency, numberOfPeriods: periods)
                return try FeeScheduler.feeInPeriod(cliff: cliff, reduction: reduction, period: period, exponential: state.baseFeeMode == 1)
            case 2:
                // fee_rate_limiter.rs: only for b→a after activation within max_limiter_duration.
                let limiter = FeeRateLimiter(
                    cliffFeeNumerator: cliff, feeIncrementBps: UInt64(try r.u16(22)), maxLimiterDuration: UInt64(try r.u32(24)),
                    maxFeeBps: UInt64(try r.u32(28)), referenceAmount: try r.u64(32))
                return try limiter.feeNumerator(amount: includedFeeAmount, currentPoint: currentPoint, activationPoint: activation, quoteIn: !aToB)
            case 3, 4:
                // fee_market_cap_scheduler.rs get_base_fee_numerator: periods passed = price move in steps.
                let periods = UInt64(try r.u16(22)), stepBps = UInt64(try r.u32(24)), expiration = UInt64(try r.u32(28))
                let reduction = try r.u64(32)
                let period = try FeeScheduler.marketCapPeriod(
                    currentPoint: currentPoint, activationPoint: activation, expiration: expiration, sqrtPrice: state.sqrtPrice,
                    initSqrtPrice: state.initSqrtPrice, stepBps: stepBps, numberOfPeriods: periods)
                return try FeeScheduler.feeInPeriod(cliff: cliff, reduction: reduction, period: period, exponential: state.baseFeeMode == 4)
            default:
                throw QuoteError.unsupported("base_fee_mode \(state.baseFeeMode)")
            }
        } catch let e as MathOverflow {
            throw QuoteError.mathOverflow(e.what)
        }
    }

    // MARK: Curves

    struct StepResult { var outputAmount: UInt64; var nextSqrtPrice: UInt128; var amountLeft: UInt64 }

    /// One swap on the pool's liquidity handler. Returns nil when the exact-in swap would cross the
    /// price range (`PoolError::PriceRangeViolation`) and `partial` is false.
    func swapStep(amountIn: UInt64, aToB: Bool, partial: Bool) throws -> StepResult? {
        let s = state
        if isCompounding {
            // compounding_liquidity.rs: out = reserve_out * in / (reserve_in + in), floor.
            let (rin, rout) = aToB ? (s.tokenAAmount, s.tokenBAmount) : (s.tokenBAmount, s.tokenAAmount)
            let (den, o) = rin.addingReportingOverflow(amountIn)
            guard !o else { throw QuoteError.mathOverflow("compounding reserve") }
            let out = try Self.mulDivU64(rout, amountIn, den, roundUp: false, "compounding swap")
            return StepResult(outputAmount: out, nextSqrtPrice: 0, amountLeft: 0)
        }
        let L = s.liquidity, sp = s.sqrtPrice
        guard L > 0, sp > 0 else { throw QuoteError.insufficientLiquidity("zero liquidity or price") }
        if amountIn == 0 { return StepResult(outputAmount: 0, nextSqrtPrice: sp, amountLeft: 0) }
        if aToB {
            var consumed = amountIn
            var next: UInt128
            if partial {
                guard s.sqrtMinPrice > 0, s.sqrtMinPrice <= sp else { throw QuoteError.mathOverflow("sqrt_min_price") }
                let maxIn = try Self.curve { try ConcentratedCurve.deltaA(s.sqrtMinPrice, sp, L, roundUp: true) }
                if UInt256(amountIn) >= maxIn {
                    guard let m = maxIn.asUInt64 else { throw QuoteError.mathOverflow("max amount in") }
                    consumed = m; next = s.sqrtMinPrice
                } else {
                    next = try Self.curve { try ConcentratedCurve.nextSqrtPriceFromAInput(sp, L, amountIn) }
                }
            } else {
                next = try Self.curve { try ConcentratedCurve.nextSqrtPriceFromAInput(sp, L, amountIn) }
                if next < s.sqrtMinPrice { return nil }
            }
            // get_delta_amount_b_unsigned(next, sp, L, Down) = L * (sp − next) >> 128.
            guard next <= sp else { throw QuoteError.mathOverflow("next sqrt price") }
            guard let out = ConcentratedCurve.deltaB(next, sp, L, roundUp: false).asUInt64 else { throw QuoteError.mathOverflow("delta b") }
            return StepResult(outputAmount: out, nextSqrtPrice: next, amountLeft: amountIn - consumed)
        } else {
            var consumed = amountIn
            var next: UInt128
            if partial {
                guard s.sqrtMaxPrice >= sp else { throw QuoteError.mathOverflow("sqrt_max_price") }
                // get_delta_amount_b_unsigned_unchecked(sp, max, L, Up) = ceil(L * Δ / 2^128).
                let maxIn = ConcentratedCurve.deltaB(sp, s.sqrtMaxPrice, L, roundUp: true)
                if UInt256(amountIn) >= maxIn {
                    guard let m = maxIn.asUInt64 else { throw QuoteError.mathOverflow("max amount in") }
                    consumed = m; next = s.sqrtMaxPrice
                } else {
                    next = try Self.curve { try ConcentratedCurve.nextSqrtPriceFromBInput(sp, L, amountIn) }
                }
            } else {
                next = try Self.curve { try ConcentratedCurve.nextSqrtPriceFromBInput(sp, L, amountIn) }
                if next > s.sqrtMaxPrice { return nil }
            }
            let delta = try Self.curve { try ConcentratedCurve.deltaA(sp, next, L, roundUp: false) }
            guard let out = delta.asUInt64 else { throw QuoteError.mathOverflow("delta a") }
            return StepResult(outputAmount: out, nextSqrtPrice: next, amountLeft: amountIn - consumed)
        }
    }

    /// PoolMath's curve failures as this model's errors (same messages).
    static func curve<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as MathOverflow { throw QuoteError.mathOverflow(e.what) }
    }
}
