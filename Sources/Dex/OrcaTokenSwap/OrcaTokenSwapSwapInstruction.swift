import SolanaCore

// solana-program-library token-swap program/src/instruction.rs `Swap` (tag 1: amount_in,
// minimum_amount_out), the layout Orca's token-swap v2 (9W959DqE…) keeps: swap (pool), authority
// (create_program_address([pool, [bump_seed]])), user transfer authority (signer), user source (w),
// pool source vault (w), pool destination vault (w), user destination (w), pool mint (w), pool fee
// account (w), token program. Exact in only (the program has no exact-out swap).
extension OrcaTokenSwapPool: SwapInstructionBuilder {
    public func swapInstruction(_ r: SwapRequest, context: QuoteContext) throws -> Instruction {
        let (aToB, amountIn, minimumOut) = try exactInOnly(r)
        let s = state
        guard let authority = ProgramAddress.create(seeds: [address.bytes, [s.bumpSeed]], programId: ProgramIds.orcaTokenSwapV2) else {
            throw SwapInstructionError.unsupported("bump seed \(s.bumpSeed) gives no authority address for \(address)")
        }
        let (source, destination) = aToB ? (s.tokenA, s.tokenB) : (s.tokenB, s.tokenA)
        var d = InstructionData([1])
        d.u64(amountIn)
        d.u64(minimumOut)
        return Instruction(
            programId: ProgramIds.orcaTokenSwapV2,
            accounts: [
                .readonly(address), .readonly(authority), .signer(r.user), .writable(r.userSource), .writable(source),
                .writable(destination), .writable(r.userDestination), .writable(s.poolMint), .writable(s.poolFeeAccount),
                .readonly(s.tokenProgramId),
            ],
            data: d.bytes)
    }
}
