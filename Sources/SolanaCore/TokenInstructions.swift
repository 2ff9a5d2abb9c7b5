/// The non-DEX instructions around a swap: compute budget, the lamport transfer and SyncNative
/// that wrap SOL, and the CloseAccount that unwraps it.
public enum TokenInstructions {
    public static let computeBudgetProgram = Pubkey("ComputeBudget111111111111111111111111111111")

    /// `ComputeBudgetInstruction::SetComputeUnitLimit(u32)`: tag 2, u32 LE (solana-compute-budget-interface).
    public static func setComputeUnitLimit(_ units: UInt32) -> Instruction {
        var d = InstructionData([2])
        d.u32(units)
        return Instruction(programId: computeBudgetProgram, accounts: [], data: d.bytes)
    }

    /// `SystemInstruction::Transfer { lamports }`: u32 tag 2, u64 LE; from (signer, writable), to (writable).
    public static func systemTransfer(from: Pubkey, to: Pubkey, lamports: UInt64) -> Instruction {
        var d = InstructionData()
        d.u32(2)
        d.u64(lamports)
        return Instruction(programId: AssociatedTokenAccount.systemProgram, accounts: [.signer(from, writable: true), .writable(to)], data: d.bytes)
    }

    /// `TokenInstruction::SyncNative` (tag 17, spl-token `instruction.rs`): the native account (writable).
    public static func syncNative(_ account: Pubkey, tokenProgram: Pubkey) -> Instruction {
        Instruction(programId: tokenProgram, accounts: [.writable(account)], data: [17])
    }

    /// `TokenInstruction::CloseAccount` (tag 9): account (writable), destination (writable), owner (signer).
    public static func closeAccount(_ account: Pubkey, destination: Pubkey, owner: Pubkey, tokenProgram: Pubkey) -> Instruction {
        Instruction(programId: tokenProgram, accounts: [.writable(account), .writable(destination), .signer(owner)], data: [9])
    }
}
