import PoolMath
import SolanaCore

// Exact-out swaps (`swap2` with `swap_mode` ExactOut = 2; program v0.2.0, MeteoraAg/damm-v2
// @58a13fc programs/cp-amm/src/instructions/swap/swap_exact_out.rs, state/pool.rs
// `get_swap_result_from_exact_output`, state/fee.rs `get_included_fee_amount`,
// liquidity_handler/{concentrated,compounding}_liquidity.rs `calculate_*_from_amount_out`).
extension MeteoraDammV2Pool {
    /// The output grossed up by its transfer fee; fees on output: grossed up again by the trade
    /// fee (ceil(x · 1e9 / (1e9 − fee))); the curve's input for that output (rounded up); fees on
    /// input: that input grossed up by the fee; then the input's transfer fee on top.
    public func quoteExactOut(amountOut: UInt64, inputMint: Pubkey, context: QuoteContext) throws -> Quote {
        let aToB = try isAToB(inputMint)
        guard amountOut > 0 else { throw QuoteError.zeroAmount }
        let s = state
        let (currentPoint, maxFeeNumerator) = try swapGate(context)
        let (da, db) = try decimals()
        let inMint = aToB ? mintAAccount : mintBAccount, outMint = aToB ? mintBAccount : mintAAccount
        let inIs2022 = (aToB ? s.tokenAFlag : s.tokenBFlag) != 0, outIs2022 = (aToB ? s.tokenBFlag : s.tokenAFlag) != 0
        var owed = amountOut
        if outIs2022 {
            let (v, o) = amountOut.addingReportingOverflow(try outMint.get().transferInverseFee(forNet: amountOut, epoch: context.epoch))
            guard !o else { throw QuoteError.mathOverflow("transfer fee included output") }
            owed = v
        }
        // get_total_trading_fee_from_excluded_fee_amount differs from the included form only under
        // an active rate limiter, whose inverse is not modelled: the fee must not depend on the amount.
        let feeLow = try totalTradingFeeNumerator(
            currentPoint: currentPoint, includedFeeAmount: 0, aToB: aToB, maxFeeNumerator: maxFeeNumerator)
        let feeHigh = try totalTradingFeeNumerator(
            currentPoint: currentPoint, includedFeeAmount: .max, aToB: aToB, maxFeeNumerator: maxFeeNumerator)
        guard feeLow == feeHigh else { throw QuoteError.exactOutUnsupported(dex: "\(Self.dex.rawValue) (active rate limiter)") }
        let num = feeLow
        guard num < Self.feeDenominator else { throw QuoteError.mathOverflow("fee numerator") }
        func grossUp(_ x: UInt64) throws -> UInt64 {
            try Self.mulDivU64(x, Self.feeDenominator, Self.feeDenominator - num, roundUp: true, "get_included_fee_amount")
        }
        let feesOnInput = !aToB && s.collectFeeMode != 0
        let curveOut = feesOnInput ? owed : try grossUp(owed)
        let (input, next) = try inputForOutput(curveOut, aToB: aToB)
        let includedIn = feesOnInput ? try grossUp(input) : input
        let fee = feesOnInput ? includedIn - input : curveOut - owed
        var debit = includedIn
        if inIs2022 {
            let (v, o) = includedIn.addingReportingOverflow(try inMint.get().transferInverseFee(forNet: includedIn, epoch: context.epoch))
            guard !o else { throw QuoteError.mathOverflow("transfer fee included input") }
            debit = v
        }
        guard debit > 0 else { throw QuoteError.zeroOutput }
        let before = rawPriceBPerA(sqrtPrice: s.sqrtPrice, reserveA: s.tokenAAmount, reserveB: s.tokenBAmount)
        // Compounding pools price by their tracked reserves after the trade (the input side keeps
        // the fee-excluded input, the output side loses the curve output).
        let after: Ratio
        if isCompounding {
            let ra = aToB ? UInt64(clamping: UInt128(s.tokenAAmount) + UInt128(input)) : s.tokenAAmount - min(curveOut, s.tokenAAmount)
            let rb = aToB ? s.tokenBAmount - min(curveOut, s.tokenBAmount) : UInt64(clamping: UInt128(s.tokenBAmount) + UInt128(input))
            after = rawPriceBPerA(sqrtPrice: 0, reserveA: ra, reserveB: rb)
        } else {
            after = rawPriceBPerA(sqrtPrice: next, reserveA: 0, reserveB: 0)
        }
        let scale = Int(da) - Int(db)
        func human(_ r: Ratio) -> Ratio { aToB ? r.scaled(byPow10: scale) : r.scaled(byPow10: scale).inverted }
        return Quote(
            pool: address, dex: Self.dex, inputMint: inputMint, outputMint: aToB ? mintB : mintA,
            amountIn: debit, amountOut: amountOut, feeAmount: fee,
            feeMint: feesOnInput ? inputMint : (aToB ? mintB : mintA),
            priceBefore: human(before), priceAfter: human(after))
    }

    /// `calculate_a_to_b_from_amount_out` / `calculate_b_to_a_from_amount_out`: the input (rounded
    /// up) and next sqrt price for `out`; leaving the price range is `PriceRangeViolation`.
    func inputForOutput(_ out: UInt64, aToB: Bool) throws -> (UInt64, UInt128) {
        let s = state
        if isCompounding {
            // a · out / (b − out), ceil (safe_sub, then a zero divisor fails as the program does).
            let (rin, rout) = aToB ? (s.tokenAAmount, s.tokenBAmount) : (s.tokenBAmount, s.tokenAAmount)
            guard out < rout else { throw QuoteError.insufficientLiquidity("amount_out \(out) is not below the reserve \(rout)") }
            return (try Self.mulDivU64(rin, out, rout - out, roundUp: true, "compounding exact-out"), 0)
        }
        let L = s.liquidity, sp = s.sqrtPrice
        guard L > 0, sp > 0 else { throw QuoteError.insufficientLiquidity("zero liquidity or price") }
        if out == 0 { return (0, sp) }
        if aToB {
            let next = try Self.curve { try ConcentratedCurve.nextSqrtPriceFromBOutput(sp, L, out) }
            guard next >= s.sqrtMinPrice else { throw QuoteError.insufficientLiquidity("price would leave the range (PriceRangeViolation)") }
            guard let input = try Self.curve({ try ConcentratedCurve.deltaA(next, sp, L, roundUp: true) }).asUInt64 else {
                throw QuoteError.mathOverflow("delta a")
            }
            return (input, next)
        }
        let next = try Self.curve { try ConcentratedCurve.nextSqrtPriceFromAOutput(sp, L, out) }
        guard next <= s.sqrtMaxPrice else { throw QuoteError.insufficientLiquidity("price would leave the range (PriceRangeViolation)") }
        guard let input = ConcentratedCurve.deltaB(sp, next, L, roundUp: true).asUInt64 else { throw QuoteError.mathOverflow("delta b") }
        return (input, next)
    }
}
