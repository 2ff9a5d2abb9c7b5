import PoolMath
import SolanaCore

// Exact-out swaps (`swap_exact_out`), MeteoraAg/dlmm-sdk @fb02e51a commons/src/quote.rs
// `quote_exact_out`, `swap_exact_out_quote_at_bin`, `get_excluded_fee_amount_in`.
extension MeteoraDlmmPool {
    /// Why an exact-out that needs a bin's limit orders is refused.
    public static let exactOutThroughLimitOrders = "exact-out through a bin's limit orders is not modelled"

    /// `swap_exact_out_quote_at_bin`: a bin that cannot cover the (fee-inclusive, when the fee is
    /// on the output) amount is drained as an exact-in of u64::MAX; otherwise the input for the
    /// amount is priced layer by layer (rounded up), the fee put on top when it is on the input,
    /// and that input swapped exact-in; the bin then pays exactly the amount (any rounding excess
    /// goes to the protocol).
    static func swapExactOutAtBin(
        _ bin: MeteoraDlmmBin, price: UInt128, rate: DlmmFeeRate, amountOut: UInt64,
        swapForY: Bool, supportLimitOrder: Bool, feeOnInput: Bool
    ) throws -> BinFill {
        var includedOut = amountOut
        if !feeOnInput {
            guard let f = rate.feeOnTop(amountOut) else { throw QuoteError.mathOverflow("compute_fee") }
            let (s, o) = amountOut.addingReportingOverflow(f)
            guard !o else { throw QuoteError.mathOverflow("fee-included amount out") }
            includedOut = s
        }
        // Through limit-order layers the real program (closed source) refuses amounts this port would
        // fill (bin.rs UndeterminedError under the binary, e.g. EtAdVRLF's legacy order bytes): refused.
        let mmOut = swapForY ? bin.amountY : bin.amountX
        if supportLimitOrder && includedOut > mmOut && bin.maxAmountOut(swapForY: swapForY, supportLimitOrder: true) > mmOut {
            throw QuoteError.unsupported(Self.exactOutThroughLimitOrders)
        }
        if includedOut >= bin.maxAmountOut(swapForY: swapForY, supportLimitOrder: supportLimitOrder) {
            return try swapAtBin(
                bin, price: price, rate: rate, amountIn: .max, swapForY: swapForY, supportLimitOrder: supportLimitOrder,
                feeOnInput: feeOnInput)
        }
        // get_excluded_fee_amount_in: MM, then processed, then open limit orders (as the SDK; here the
        // MM layer covers the amount).
        let lo = bin.limitOrderAmounts(swapForY: swapForY)
        var remaining = includedOut
        var excludedIn: UInt64 = 0
        for layer in [swapForY ? bin.amountY : bin.amountX, lo.processed, lo.open] where remaining > 0 {
            let part = min(remaining, layer)
            guard let need = DlmmMath.amountIn(forOut: part, price: price, swapForY: swapForY, roundUp: true) else {
                throw QuoteError.mathOverflow("get_amount_in")
            }
            remaining -= part
            let (s, o) = excludedIn.addingReportingOverflow(need)
            guard !o else { throw QuoteError.mathOverflow("excluded fee amount in") }
            excludedIn = s
        }
        var includedIn = excludedIn
        if feeOnInput {
            guard let f = rate.feeOnTop(excludedIn) else { throw QuoteError.mathOverflow("compute_fee") }
            let (s, o) = excludedIn.addingReportingOverflow(f)
            guard !o else { throw QuoteError.mathOverflow("fee-included amount in") }
            includedIn = s
        }
        var r = try swapAtBin(
            bin, price: price, rate: rate, amountIn: includedIn, swapForY: swapForY, supportLimitOrder: supportLimitOrder,
            feeOnInput: feeOnInput)
        guard r.amountOut >= amountOut else { throw QuoteError.mathOverflow("exact-out bin fill short of the amount") }
        r.amountOut = amountOut
        return r
    }

    /// `quote_exact_out`: the output grossed up by its mint's transfer fee, walked bin by bin
    /// until paid, and the input summed over bins grossed up by the input mint's transfer fee.
    public func quoteExactOut(amountOut: UInt64, inputMint: Pubkey, context: QuoteContext) throws -> Quote {
        guard amountOut > 0 else { throw QuoteError.zeroAmount }
        let swapForY = try isAToB(inputMint)
        try validateSwapActivation(context)
        let mx = try mintX.get(), my = try mintY.get()
        let (inMint, outMint) = swapForY ? (mx, my) : (my, mx)
        let references = try volatilityReferences(context)
        let (owed, o1) = amountOut.addingReportingOverflow(outMint.transferInverseFee(forNet: amountOut, epoch: context.epoch))
        guard !o1 else { throw QuoteError.mathOverflow("transfer fee included output") }
        let priceBefore = try binPrice(pair.activeId)
        var walk = MeteoraDlmmSwapEngine(pool: self, swapForY: swapForY, amountIn: owed, references: references)
        walk.exactOut = true
        var after: PoolStateAfter? = nil
        if let partial = try walk.run(self, after: &after) {
            throw QuoteError.insufficientLiquidity(
                "exact-out needs \(owed) out, \(owed - walk.amountLeft) fillable: \(partial.reason)"
                    + (partial.nextMissingAccount.map { " (\($0))" } ?? ""))
        }
        if let held = (swapForY ? reserveY : reserveX).value?.amount, owed > held {
            throw QuoteError.insufficientLiquidity("the swap pays \(owed) but the output reserve holds \(held)")
        }
        let charged = walk.totalIn
        guard charged > 0 else { throw QuoteError.zeroOutput }
        let (debit, o2) = charged.addingReportingOverflow(inMint.transferInverseFee(forNet: charged, epoch: context.epoch))
        guard !o2 else { throw QuoteError.mathOverflow("transfer fee included input") }
        let priceAfter = try binPrice(walk.activeId)
        func human(_ p: UInt128) -> Ratio {
            let yPerX = humanPriceYPerX(p, dx: mx.decimals, dy: my.decimals)
            return swapForY ? yPerX : yPerX.inverted
        }
        return Quote(
            pool: address, dex: Self.dex, inputMint: inputMint, outputMint: swapForY ? pair.tokenYMint : pair.tokenXMint,
            amountIn: debit, amountOut: amountOut, feeAmount: walk.totalFee,
            feeMint: feeOnInput(swapForY: swapForY) ? inputMint : pair.tokenYMint,
            priceBefore: human(priceBefore), priceAfter: human(priceAfter))
    }
}
