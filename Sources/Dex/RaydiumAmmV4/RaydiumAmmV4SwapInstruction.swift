import SolanaCore

// raydium-io/raydium-amm program/src/instruction.rs: `SwapBaseIn` (tag 9: amount_in, minimum_amount_out)
// and `SwapBaseOut` (tag 11: max_amount_in, amount_out), 17 accounts (the optional target-orders
// account left out): token program, amm (w), authority, open orders (w), coin vault (w), pc vault (w),
// market program, market (w), bids, asks, event queue, market coin vault, market pc vault (w), vault
// signer, user source (w), user destination (w), user (signer). Authority = PDA("amm authority") under
// the program, the fixed 5Q544f… key. processor.rs reads the six market-side accounts only for pools
// whose status has order-book permission; the swap-only pools (status 6) this builder accepts get the
// market key in those slots (raydium-amm @27f461d, 2026-07 "Remove openbook dependency", reads none of
// them for any pool). `compactVariant`: `SwapBaseInV2` / `SwapBaseOutV2` (tags 16/17, raydium-amm
// @3b087ad 2025-09): token program, amm (w), authority, coin vault (w), pc vault (w), user source (w),
// user destination (w), user (signer) — not checked by a binary (the one available predates it).
extension RaydiumAmmV4Pool: SwapInstructionBuilder {
    static let authority = Pubkey("5Q544fKrFoe6tsEbD7S8EmxGTJYAKtTVhAW5Q5pge4j1")

    public func swapInstruction(_ r: SwapRequest, context: QuoteContext) throws -> Instruction {
        _ = try isAToB(r.inputMint)
        let (a, b) = r.amount.inThenOut
        if r.compactVariant {
            var d = InstructionData([r.amount.isExactIn ? 16 : 17])
            d.u64(a)
            d.u64(b)
            return Instruction(
                programId: ProgramIds.raydiumAmmV4,
                accounts: [
                    .readonly(ProgramIds.splToken), .writable(address), .readonly(Self.authority), .writable(info.coinVault),
                    .writable(info.pcVault), .writable(r.userSource), .writable(r.userDestination), .signer(r.user),
                ],
                data: d.bytes)
        }
        guard info.status == 6 else {
            throw SwapInstructionError.unsupported(
                "AMM v4 pool status \(info.status) trades against its OpenBook market, whose accounts are not cached (only swap-only status 6 pools)")
        }
        var d = InstructionData([r.amount.isExactIn ? 9 : 11])
        d.u64(a)
        d.u64(b)
        let market = info.market
        return Instruction(
            programId: ProgramIds.raydiumAmmV4,
            accounts: [
                .readonly(ProgramIds.splToken), .writable(address), .readonly(Self.authority), .writable(info.openOrders),
                .writable(info.coinVault), .writable(info.pcVault), .readonly(info.marketProgram), .writable(market),
                .writable(market), .writable(market), .writable(market), .writable(market), .writable(market), .readonly(market),
                .writable(r.userSource), .writable(r.userDestination), .signer(r.user),
            ],
            data: d.bytes)
    }
}
