import SolanaCore

// raydium-io/raydium-cp-swap programs/cp-swap/src/instructions/swap_base_input.rs (`Swap` accounts,
// shared by swap_base_output.rs) and lib.rs: `swap_base_input(amount_in, minimum_amount_out)`,
// `swap_base_output(max_amount_in, amount_out)`; authority = PDA("vault_and_lp_mint_auth_seed").
extension RaydiumCpmmPool: SwapInstructionBuilder {
    public func swapInstruction(_ r: SwapRequest, context: QuoteContext) throws -> Instruction {
        let zeroForOne = try isAToB(r.inputMint)
        let s = state
        let program = ProgramIds.raydiumCpmm
        let authority = try Self.pda([Array("vault_and_lp_mint_auth_seed".utf8)], program)
        let (inVault, outVault) = zeroForOne ? (s.token0Vault, s.token1Vault) : (s.token1Vault, s.token0Vault)
        let (inProgram, outProgram) = zeroForOne ? (s.token0Program, s.token1Program) : (s.token1Program, s.token0Program)
        let (inMint, outMint) = zeroForOne ? (s.token0Mint, s.token1Mint) : (s.token1Mint, s.token0Mint)
        let name = r.amount.isExactIn ? "swap_base_input" : "swap_base_output"
        return Instruction(
            programId: program,
            accounts: [
                .signer(r.user), .readonly(authority), .readonly(s.ammConfig), .writable(address),
                .writable(r.userSource), .writable(r.userDestination), .writable(inVault), .writable(outVault),
                .readonly(inProgram), .readonly(outProgram), .readonly(inMint), .readonly(outMint), .writable(s.observationKey),
            ],
            data: Self.anchorData(name, r.amount.inThenOut).bytes)
    }
}
