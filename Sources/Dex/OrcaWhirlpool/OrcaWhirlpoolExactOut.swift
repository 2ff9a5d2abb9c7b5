import PoolMath
import SolanaCore

// Exact-out swaps (`amount_specified_is_input = false`), orca-so/whirlpools @630c0e01
// instructions/v2/swap.rs `swap_with_transfer_fee_extension` (ExactOut branch) and
// manager/swap_manager.rs `swap` (amount_remaining counts the output; PartialFillError without
// an explicit price limit).
extension OrcaWhirlpoolPool {
    /// The output is grossed up by the output mint's transfer fee, walked exact-out, and the
    /// input the walk charges (inputs + fees) grossed up by the input mint's transfer fee.
    public func quoteExactOut(amountOut: UInt64, inputMint: Pubkey, context: QuoteContext) throws -> Quote {
        let aToB = try isAToB(inputMint)
        guard amountOut > 0 else { throw QuoteError.zeroAmount }
        let ma = try mintAccountA.get(), mb = try mintAccountB.get()
        let (inMint, outMint) = aToB ? (ma, mb) : (mb, ma)
        let adaptiveOracle = try activeOracle(context)
        let (owed, o1) = amountOut.addingReportingOverflow(outMint.transferInverseFee(forNet: amountOut, epoch: context.epoch))
        guard !o1 else { throw QuoteError.mathOverflow("transfer fee included output") }
        let result: SwapResult
        do {
            result = try swap(amount: owed, aToB: aToB, timestamp: UInt64(max(context.now, 0)), oracle: adaptiveOracle, exactIn: false)
        } catch let e as WhirlpoolMathError {
            throw QuoteError.mathOverflow(e.description)
        }
        // PartialFillError: with no explicit price limit an exact-out swap fills completely or fails.
        guard result.amountRemaining == 0 else {
            throw QuoteError.insufficientLiquidity(
                "exact-out needs \(owed) out, \(owed - result.amountRemaining) fillable: "
                    + (result.stopReason.isEmpty ? "price limit reached" : result.stopReason)
                    + (result.nextMissingArray.map { " (\($0))" } ?? ""))
        }
        let inverseFee = result.amountIn == 0 ? 0 : inMint.transferInverseFee(forNet: result.amountIn, epoch: context.epoch)
        let (debit, o2) = result.amountIn.addingReportingOverflow(inverseFee)
        guard !o2 else { throw QuoteError.mathOverflow("transfer fee included input") }
        guard debit > 0 else { throw QuoteError.zeroOutput }
        let before = Self.priceBPerA(sqrtPrice: state.sqrtPrice, decimalsA: ma.decimals, decimalsB: mb.decimals)
        let after = Self.priceBPerA(sqrtPrice: result.sqrtPrice, decimalsA: ma.decimals, decimalsB: mb.decimals)
        return Quote(
            pool: address, dex: Self.dex, inputMint: inputMint, outputMint: aToB ? mintB : mintA,
            amountIn: debit, amountOut: amountOut, feeAmount: result.feeTotal, feeMint: inputMint,
            priceBefore: aToB ? before : before.inverted, priceAfter: aToB ? after : after.inverted)
    }

    /// swap_manager.rs exact-out bookkeeping: the output leaves `amount_remaining`, input plus fee
    /// add to `amount_calculated` (AmountRemainingOverflow / AmountCalcOverflow as the program).
    func bookExactOut(_ s: WhirlpoolMath.SwapStep, into result: inout SwapResult) throws {
        guard result.amountRemaining >= s.amountOut else {
            throw WhirlpoolMathError.overflow("swap amount_remaining (AmountRemainingOverflow)")
        }
        result.amountRemaining -= s.amountOut
        let (a, o1) = result.amountIn.addingReportingOverflow(s.amountIn)
        let (b, o2) = a.addingReportingOverflow(s.feeAmount)
        let (fees, o3) = result.feeTotal.addingReportingOverflow(s.feeAmount)
        guard !o1, !o2, !o3 else { throw WhirlpoolMathError.overflow("swap amount_calculated (AmountCalcOverflow)") }
        result.amountIn = b
        result.amountOut += s.amountOut
        result.feeTotal = fees
        result.protocolFee &+= UInt64(UInt128(s.feeAmount) * UInt128(state.protocolFeeRate) / 10_000)
    }
}
