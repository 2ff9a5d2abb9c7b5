import SolanaCore

// pump_amm IDL (pAMMBay6…; as published in wngasinur/pumpdotfun-sdk@630840cc src/IDL/pumpswap.json,
// 2025-08): `sell(base_amount_in, min_quote_amount_out)`, `buy(base_amount_out, max_quote_amount_in,
// track_volume: OptionBool)`; the later `buy_exact_quote_in(spendable_quote_in, min_base_amount_out,
// track_volume)` takes buy's accounts (../shared/tools/oracle/oracle.py `_ix_pumpswap`). Accounts: pool,
// user (signer, w), global_config, base/quote mints, user base/quote token accounts (w), pool
// base/quote token accounts (w), protocol_fee_recipient, its quote ATA (w), base/quote token
// programs, system program, associated token program, event authority, program, coin creator vault
// ATA (w), coin creator vault authority (PDA "creator_vault", coin_creator); buys add the global
// (PDA "global_volume_accumulator", w) and user (PDA "user_volume_accumulator", user; w) volume
// accumulators; then fee_config (PDA "fee_config", program, under the fee program) and the fee
// program. No binary was available to run them (provenance.json `not_found`).
// Exact in: base in → sell, quote in → buy_exact_quote_in; exact out of base → buy; exact out of
// quote has no instruction.
extension PumpSwapPool: SwapInstructionBuilder {
    public func swapInstruction(_ r: SwapRequest, context: QuoteContext) throws -> Instruction {
        let baseIn = try isAToB(r.inputMint)
        let s = state
        let program = ProgramIds.pumpSwap
        let config = try globalConfig.get()
        let (baseProgram, quoteProgram) = (r.tokenProgram(s.baseMint), r.tokenProgram(s.quoteMint))
        func ata(_ owner: Pubkey) throws -> Pubkey {
            guard let a = AssociatedTokenAccount.address(wallet: owner, mint: s.quoteMint, tokenProgram: quoteProgram) else {
                throw SwapInstructionError.unsupported("no associated token account for \(owner)")
            }
            return a
        }
        let creatorAuthority = try Self.pda([Array("creator_vault".utf8), s.coinCreator.bytes], program)
        let feeConfig = try Self.pda([Array("fee_config".utf8), program.bytes], ProgramIds.pumpFees)
        let (userBase, userQuote) = baseIn ? (r.userSource, r.userDestination) : (r.userDestination, r.userSource)
        let common: [Instruction.Account] = [
            .readonly(address), .signer(r.user, writable: true), .readonly(PumpSwapGlobalConfig.address), .readonly(s.baseMint),
            .readonly(s.quoteMint), .writable(userBase), .writable(userQuote), .writable(s.poolBaseTokenAccount),
            .writable(s.poolQuoteTokenAccount), .readonly(config.protocolFeeRecipient), .writable(try ata(config.protocolFeeRecipient)),
            .readonly(baseProgram), .readonly(quoteProgram), .readonly(AssociatedTokenAccount.systemProgram),
            .readonly(AssociatedTokenAccount.program), .readonly(try Self.eventAuthority(program)), .readonly(program),
            .writable(try ata(creatorAuthority)), .readonly(creatorAuthority),
        ]
        let fees: [Instruction.Account] = [.readonly(feeConfig), .readonly(ProgramIds.pumpFees)]
        let volume: [Instruction.Account] = [
            .writable(try Self.pda([Array("global_volume_accumulator".utf8)], program)),
            .writable(try Self.pda([Array("user_volume_accumulator".utf8), r.user.bytes], program)),
        ]
        switch (r.amount, baseIn) {
        case let (.exactIn(amountIn, minimumOut), true):
            return Instruction(programId: program, accounts: common + fees, data: Self.anchorData("sell", (amountIn, minimumOut)).bytes)
        case let (.exactIn(amountIn, minimumOut), false):
            var d = Self.anchorData("buy_exact_quote_in", (amountIn, minimumOut))
            d.u8(0)  // track_volume: OptionBool None
            return Instruction(programId: program, accounts: common + volume + fees, data: d.bytes)
        case let (.exactOut(amountOut, maximumIn), false):
            var d = Self.anchorData("buy", (amountOut, maximumIn))
            d.u8(0)
            return Instruction(programId: program, accounts: common + volume + fees, data: d.bytes)
        case (.exactOut, true):
            throw SwapInstructionError.unsupported("PumpSwap has no exact-out sell (an exact quote output)")
        }
    }
}
