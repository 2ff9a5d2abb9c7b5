import PoolMath
import SolanaCore

// raydium-io/raydium-clmm programs/amm/src/instructions/swap_v2.rs (`SwapSingleV2`): payer (signer),
// amm_config, pool_state (w), input/output token accounts (w), input/output vaults (w), observation
// (w), token program, token-2022 program, memo program, input/output vault mints; remaining accounts:
// the bitmap extension (recognised by its PDA wherever it sits) and the tick arrays in swap order.
// Args (lib.rs `swap_v2`): amount u64, other_amount_threshold u64, sqrt_price_limit_x64 u128 (0 = the
// MIN+1 / MAX−1 limit), is_base_input bool.
extension RaydiumClmmPool: SwapInstructionBuilder {
    static let memoProgram = Pubkey("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr")

    public func swapInstruction(_ r: SwapRequest, context: QuoteContext) throws -> Instruction {
        let zeroForOne = try isAToB(r.inputMint)
        let s = state
        let (inVault, outVault) = zeroForOne ? (s.tokenVault0, s.tokenVault1) : (s.tokenVault1, s.tokenVault0)
        let (inMint, outMint) = zeroForOne ? (s.tokenMint0, s.tokenMint1) : (s.tokenMint1, s.tokenMint0)
        var endTick: Int64?
        if case let .exactIn(amountIn, _) = r.amount {
            let effect = try swap(amountIn: amountIn, inputMint: r.inputMint, context: context, recordState: true)
            if let p = effect.quote.partial { throw SwapInstructionError.quote(.insufficientLiquidity(p.reason)) }
            endTick = effect.after?.tickCurrent.map(Int64.init)
        }
        var remaining: [Instruction.Account] = []
        // The default bitmap covers the whole tick range from tick spacing 15 up (pool.rs); below, the
        // search may need the extension.
        if s.tickSpacing < 15, bitmapExtension.value != nil { remaining.append(.writable(bitmapExtension.address)) }
        for start in try swapArrayStarts(zeroForOne: zeroForOne, endTick: endTick) {
            guard let key = arrayAddress(Int32(truncatingIfNeeded: start)) else { continue }
            remaining.append(.writable(key))
        }
        var d = InstructionData(Instruction.anchorDiscriminator("swap_v2"))
        let (amount, threshold) = r.amount.specifiedAndThreshold
        d.u64(amount)
        d.u64(threshold)
        d.u128(0)
        d.bool(r.amount.isExactIn)
        return Instruction(
            programId: ProgramIds.raydiumClmm,
            accounts: [
                .signer(r.user), .readonly(s.ammConfig), .writable(address), .writable(r.userSource), .writable(r.userDestination),
                .writable(inVault), .writable(outVault), .writable(s.observationKey), .readonly(ProgramIds.splToken),
                .readonly(ProgramIds.token2022), .readonly(Self.memoProgram), .readonly(inMint), .readonly(outMint),
            ] + remaining,
            data: d.bytes)
    }

    /// Starts of the initialized tick arrays the swap walks, in order, as `swap_internal` finds them
    /// (first_initialized_tick_array, then next_initialized_tick_array_start_index): through the array
    /// holding `endTick`, plus one spare; without `endTick` (exact out) every applied array in the direction.
    func swapArrayStarts(zeroForOne: Bool, endTick: Int64?) throws -> [Int64] {
        let ts = state.tickSpacing
        let n = ClmmGeometry.ticksInArray(ts)
        let currentStart = ClmmGeometry.arrayStart(Int64(state.tickCurrent), ts)
        var starts: [Int64] = []
        if try isArrayInitialized(currentStart) == true {
            starts.append(currentStart)
        } else if case .found(let s) = try nextInitializedArray(after: currentStart, zeroForOne: zeroForOne) {
            starts.append(s)
        }
        var spare = false
        while let last = starts.last, starts.count < 64 {
            if let end = endTick {
                let covers = zeroForOne ? end >= last : end < last + n
                if covers {
                    if spare { break }
                    spare = true
                }
            } else if tickArrays[Int32(truncatingIfNeeded: last)] == nil {
                starts.removeLast()
                break
            }
            guard case .found(let next) = try nextInitializedArray(after: last, zeroForOne: zeroForOne) else { break }
            starts.append(next)
        }
        return starts
    }
}
