import PoolMath
import SolanaCore

// orca-so/whirlpools programs/whirlpool/src/instructions/swap.rs (`Swap`: token program, token
// authority (signer), whirlpool (w), owner account A (w), vault A (w), owner account B (w), vault B (w),
// tick arrays 0–2 (w), oracle (w)) and instructions/v2/swap.rs (`SwapV2`: token programs A and B, memo
// program, authority, whirlpool, mints A and B, then the same accounts). Args (lib.rs): amount,
// other_amount_threshold, sqrt_price_limit u128, amount_specified_is_input, a_to_b (+ v2:
// Option<RemainingAccountsInfo>, None). Tick arrays by the SDK's start-index rule (whirlpools
// ts-sdk `getTickArrayStartTickIndex` with the b→a shift of one tick spacing): the array holding the
// current tick (shifted), then two more in the swap direction; PDAs
// ["tick_array", whirlpool, start.to_string()] and ["oracle", whirlpool].
extension OrcaWhirlpoolPool: SwapInstructionBuilder {
    static let memoProgram = Pubkey("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr")
    /// MIN_SQRT_PRICE / MAX_SQRT_PRICE (tick_math.rs): no price limit.
    static let minSqrtPrice: UInt128 = 4_295_048_016
    static let maxSqrtPrice: UInt128 = 79_226_673_515_401_279_992_447_579_055

    public func swapInstruction(_ r: SwapRequest, context: QuoteContext) throws -> Instruction {
        let aToB = try isAToB(r.inputMint)
        let s = state
        let span = ticksInArray
        let shifted = Int(s.tickCurrentIndex) + (aToB ? 0 : tickSpacing)
        let base = WhirlpoolMath.floorDivision(shifted, span) * span
        var arrays: [Instruction.Account] = []
        for i in 0..<3 {
            let start = base + (aToB ? -i : i) * span
            guard let key = Self.tickArrayAddress(pool: address, start: start) else {
                throw SwapInstructionError.unsupported("no tick array address for start \(start)")
            }
            arrays.append(.writable(key))
        }
        let oracle = try Self.pda([Array("oracle".utf8), address.bytes], ProgramIds.orcaWhirlpool)
        let (userA, userB) = aToB ? (r.userSource, r.userDestination) : (r.userDestination, r.userSource)
        let (programA, programB) = (r.tokenProgram(s.tokenMintA), r.tokenProgram(s.tokenMintB))
        let plain = programA == ProgramIds.splToken && programB == ProgramIds.splToken
        var d = InstructionData(Instruction.anchorDiscriminator(plain ? "swap" : "swap_v2"))
        let (amount, threshold) = r.amount.specifiedAndThreshold
        d.u64(amount)
        d.u64(threshold)
        d.u128(aToB ? Self.minSqrtPrice : Self.maxSqrtPrice)
        d.bool(r.amount.isExactIn)
        d.bool(aToB)
        let tail: [Instruction.Account] =
            [.writable(userA), .writable(s.tokenVaultA), .writable(userB), .writable(s.tokenVaultB)] + arrays + [.writable(oracle)]
        if plain {
            return Instruction(
                programId: ProgramIds.orcaWhirlpool,
                accounts: [.readonly(ProgramIds.splToken), .signer(r.user), .writable(address)] + tail, data: d.bytes)
        }
        d.u8(0)  // remaining_accounts_info: None
        return Instruction(
            programId: ProgramIds.orcaWhirlpool,
            accounts: [
                .readonly(programA), .readonly(programB), .readonly(Self.memoProgram), .signer(r.user), .writable(address),
                .readonly(s.tokenMintA), .readonly(s.tokenMintB),
            ] + tail,
            data: d.bytes)
    }
}
