import SolanaCore

// MeteoraAg/dlmm-sdk idls/dlmm.json `swap2` / `swap_exact_out2`: lb_pair (w), bin_array_bitmap_extension
// (optional, w; None = the program id), reserve x/y (w), user token in/out (w), token x/y mints,
// oracle (w), host_fee_in (optional; None), user (signer), token x/y programs, memo program, event
// authority, program; remaining accounts: the bin arrays in swap order. Args: swap2 (amount_in,
// min_amount_out), swap_exact_out2 (max_in_amount, out_amount), then RemainingAccountsInfo { slices:
// Vec } — empty, as no transfer-hook accounts are passed (hooked mints are refused). The bitmap
// extension is passed whenever the pair has one (as dlmm-sdk ts-client `swap` does): the program reads
// it only when its search for the next array leaves the pair's own ±512 bitmap, which a quote cannot
// rule out for the spare.
extension MeteoraDlmmPool: SwapInstructionBuilder {
    static let memoProgram = Pubkey("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr")

    public func swapInstruction(_ r: SwapRequest, context: QuoteContext) throws -> Instruction {
        let swapForY = try isAToB(r.inputMint)
        let program = ProgramIds.meteoraDlmm
        var endBin: Int32?
        if case let .exactIn(amountIn, _) = r.amount {
            let effect = try swap(amountIn: amountIn, inputMint: r.inputMint, context: context, recordState: true)
            if let p = effect.quote.partial { throw SwapInstructionError.quote(.insufficientLiquidity(p.reason)) }
            endBin = effect.after?.activeBinId
        }
        let arrays = swapArrayIndexes(swapForY: swapForY, endBin: endBin).map { Instruction.Account.writable(binArrayAddress(Int64($0))) }
        let ext: Instruction.Account = bitmapExtension != nil ? .writable(bitmapExtensionAddress) : .readonly(program)
        let p = pair
        var d = Self.anchorData(r.amount.isExactIn ? "swap2" : "swap_exact_out2", r.amount.inThenOut)
        d.u32(0)  // remaining_accounts_info.slices: empty Vec
        return Instruction(
            programId: program,
            accounts: [
                .writable(address), ext, .writable(p.reserveX), .writable(p.reserveY), .writable(r.userSource),
                .writable(r.userDestination), .readonly(p.tokenXMint), .readonly(p.tokenYMint), .writable(p.oracle),
                .readonly(program), .signer(r.user), .readonly(r.tokenProgram(p.tokenXMint)), .readonly(r.tokenProgram(p.tokenYMint)),
                .readonly(Self.memoProgram), .readonly(try Self.eventAuthority(program)), .readonly(program),
            ] + arrays,
            data: d.bytes)
    }

    /// Indexes of the bin arrays with liquidity the swap walks, in order (the SDK's
    /// `getBinArrayForSwap`): from the active bin's array through the one holding `endBin`, plus one
    /// spare; without `endBin` (exact out) every applied array in the direction.
    func swapArrayIndexes(swapForY: Bool, endBin: Int32?) -> [Int32] {
        let step: Int32 = swapForY ? -1 : 1
        let endArray = endBin.map { MeteoraDlmm.arrayIndex(ofBin: $0) }
        var out: [Int32] = []
        var from = MeteoraDlmm.arrayIndex(ofBin: pair.activeId)
        var spare = false
        while out.count < 64, case .found(let i) = nextArrayWithLiquidity(from: from, swapForY: swapForY) {
            if endArray == nil && binArrays[Int64(i)] == nil { break }
            out.append(i)
            if let e = endArray, swapForY ? i <= e : i >= e {
                if spare { break }
                spare = true
            }
            from = i + step
        }
        return out
    }
}
