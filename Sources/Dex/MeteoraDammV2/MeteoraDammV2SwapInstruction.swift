import SolanaCore

// MeteoraAg/damm-v2-sdk src/idl/cp_amm.json (program v0.2.0) `swap` / `swap2`: pool_authority, pool (w),
// input/output token accounts (w), token a/b vaults (w), token a/b mints, payer (signer), token a/b
// programs, referral_token_account (optional; None = the program id), event authority, program.
// `swap(SwapParameters { amount_in, minimum_amount_out })` for exact in; exact out is
// `swap2(SwapParameters2 { amount_0: amount_out, amount_1: maximum_amount_in, swap_mode: 2 })`
// (SwapMode: 0 ExactIn, 1 PartialFill, 2 ExactOut). pool_authority = PDA("pool_authority"), HLnpSz9h….
extension MeteoraDammV2Pool: SwapInstructionBuilder {
    static let poolAuthority = Pubkey("HLnpSz9h2S4hiLQ43rnSD9XkcUThA7B8hQMKmDaiTLcC")

    public func swapInstruction(_ r: SwapRequest, context: QuoteContext) throws -> Instruction {
        _ = try isAToB(r.inputMint)
        let s = state
        let program = ProgramIds.meteoraDammV2
        var d: InstructionData
        switch r.amount {
        case let .exactIn(amountIn, minimumOut):
            d = Self.anchorData("swap", (amountIn, minimumOut))
        case let .exactOut(amountOut, maximumIn):
            d = Self.anchorData("swap2", (amountOut, maximumIn))
            d.u8(2)
        }
        return Instruction(
            programId: program,
            accounts: [
                .readonly(Self.poolAuthority), .writable(address), .writable(r.userSource), .writable(r.userDestination),
                .writable(s.tokenAVault), .writable(s.tokenBVault), .readonly(s.tokenAMint), .readonly(s.tokenBMint), .signer(r.user),
                .readonly(r.tokenProgram(s.tokenAMint)), .readonly(r.tokenProgram(s.tokenBMint)), .readonly(program),
                .readonly(try Self.eventAuthority(program)), .readonly(program),
            ],
            data: d.bytes)
    }
}
