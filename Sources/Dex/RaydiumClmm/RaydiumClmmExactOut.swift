import PoolMath
import SolanaCore

// Exact-out swaps (`is_base_input = false`), raydium-io/raydium-clmm @03b44b7f
// instructions/swap_v2.rs `exact_internal_v2` and swap.rs `swap_internal`.
extension RaydiumClmmPool {
    /// The output plus its inverse transfer fee is walked exact-out; the input charged (inputs plus
    /// fees, `amount_calculated`) plus the input mint's inverse transfer fee is the user's debit.
    /// Without a price limit the program requires the whole output (`require_eq!`), so anything
    /// short of it is an error here. Fee-on-output pools and limit orders on the path are refused
    /// as not modelled (`exactOutUnsupported` / `unsupported`).
    public func quoteExactOut(amountOut: UInt64, inputMint: Pubkey, context: QuoteContext) throws -> Quote {
        guard amountOut > 0 else { throw QuoteError.zeroAmount }
        let zeroForOne = try isAToB(inputMint)
        let (config, inMint, outMint) = try swapInputs(zeroForOne: zeroForOne, context: context)
        guard state.isFeeOnInput(zeroForOne: zeroForOne) else {
            throw QuoteError.exactOutUnsupported(dex: "\(Self.dex.rawValue) (fee on output)")
        }
        let outFee = outMint?.transferInverseFee(forNet: amountOut, epoch: context.epoch) ?? 0
        let (owed, o1) = amountOut.addingReportingOverflow(outFee)
        guard !o1 else { throw QuoteError.mathOverflow("amount_out + transfer fee") }
        let blockTimestamp = UInt64(UInt32(truncatingIfNeeded: context.now))  // oracle::block_timestamp() is u32
        let run = try RaydiumClmmSwapEngine.run(
            pool: self, amountSpecified: owed, zeroForOne: zeroForOne, config: config, now: blockTimestamp, exactIn: false)
        if let partial = run.partial {
            throw QuoteError.insufficientLiquidity(
                "exact-out needs \(owed) out, \(owed - run.remaining) fillable: \(partial.reason)"
                    + (partial.account.map { " (\($0))" } ?? ""))
        }
        guard run.remaining == 0 else { throw QuoteError.insufficientLiquidity("exact-out output not filled") }
        let charged = run.amountOut  // exact-out: amount_calculated is the input
        guard charged > 0 else { throw QuoteError.zeroOutput }  // TooSmallInputOrOutputAmount
        let inFee = inMint?.transferInverseFee(forNet: charged, epoch: context.epoch) ?? 0
        let (debit, o2) = charged.addingReportingOverflow(inFee)
        guard !o2 else { throw QuoteError.mathOverflow("input + transfer fee") }
        let (d0, d1) = (state.mintDecimals0, state.mintDecimals1)
        func directional(_ sp: UInt128) -> Ratio {
            let p = Self.humanPrice(sqrtPriceX64: sp, decimals0: d0, decimals1: d1)
            return zeroForOne ? p : p.inverted
        }
        return Quote(
            pool: address, dex: Self.dex, inputMint: inputMint, outputMint: zeroForOne ? mintB : mintA,
            amountIn: debit, amountOut: amountOut, feeAmount: run.fee,
            feeMint: state.isFeeOnToken0(zeroForOne: zeroForOne) ? mintA : mintB,
            priceBefore: directional(state.sqrtPriceX64), priceAfter: directional(run.sqrtPrice))
    }
}
