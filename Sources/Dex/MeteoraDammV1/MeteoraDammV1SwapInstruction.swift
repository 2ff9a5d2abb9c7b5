import SolanaCore

// MeteoraAg dynamic-amm (Eo7WjKq…) IDL `swap(in_amount, minimum_out_amount)`: pool (w), user source /
// destination token (w), a/b vault (w), a/b token vault (w), a/b vault LP mint (w), a/b vault LP (w),
// protocol_token_fee (w: the fee account of the input side), user (signer), vault program, token
// program. The program has no exact-out swap, and its vaults hold SPL Token mints only.
extension MeteoraDammV1Pool: SwapInstructionBuilder {
    public func swapInstruction(_ r: SwapRequest, context: QuoteContext) throws -> Instruction {
        let (aToB, amountIn, minimumOut) = try exactInOnly(r)
        let s = state
        let va = try vaultA.get(), vb = try vaultB.get()
        return Instruction(
            programId: ProgramIds.meteoraDammV1,
            accounts: [
                .writable(address), .writable(r.userSource), .writable(r.userDestination), .writable(s.aVault), .writable(s.bVault),
                .writable(va.tokenVault), .writable(vb.tokenVault), .writable(va.lpMint), .writable(vb.lpMint),
                .writable(s.aVaultLp), .writable(s.bVaultLp), .writable(aToB ? s.protocolTokenAFee : s.protocolTokenBFee),
                .signer(r.user), .readonly(ProgramIds.meteoraVault), .readonly(ProgramIds.splToken),
            ],
            data: Self.anchorData("swap", (amountIn, minimumOut)).bytes)
    }
}
