/// Associated token accounts (spl-associated-token-account `get_associated_token_address_with_program_id`):
/// the PDA of seeds [wallet, token program, mint] under the ATA program.
///
/// ```swift
/// let ata = AssociatedTokenAccount.address(wallet: user, mint: usdc, tokenProgram: AssociatedTokenAccount.tokenProgram)
/// ```
public enum AssociatedTokenAccount {
    public static let program = Pubkey("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL")
    public static let tokenProgram = Pubkey("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA")
    public static let token2022Program = Pubkey("TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb")
    public static let systemProgram = Pubkey("11111111111111111111111111111111")

    /// The ATA address; nil only if no bump yields an off-curve point (never for real inputs).
    public static func address(wallet: Pubkey, mint: Pubkey, tokenProgram: Pubkey) -> Pubkey? {
        ProgramAddress.find(seeds: [wallet.bytes, tokenProgram.bytes, mint.bytes], programId: program)?.0
    }

    /// `CreateIdempotent` (instruction 1; spl-associated-token-account `instruction.rs`): accounts
    /// funder (signer, writable), ATA (writable), wallet, mint, system program, token program.
    public static func createIdempotent(payer: Pubkey, ata: Pubkey, wallet: Pubkey, mint: Pubkey, tokenProgram: Pubkey) -> Instruction {
        Instruction(
            programId: program,
            accounts: [
                .signer(payer, writable: true), .writable(ata), .readonly(wallet), .readonly(mint), .readonly(systemProgram),
                .readonly(tokenProgram),
            ], data: [1])
    }
}
