import SolanaCore

/// token-swap processor.rs `process_swap`: input into its vault, output out of the other (the owner
/// fee is minted as pool tokens, which no quote reads).
extension OrcaTokenSwapPool: SwapSimulation {
    public func simulate(amountIn: UInt64, inputMint: Pubkey, context: QuoteContext) throws -> SwapEffect {
        SwapEffect(quote: try quote(amountIn: amountIn, inputMint: inputMint, context: context), after: nil)
    }

    public func writeBack(_ effect: SwapEffect, accounts: [Pubkey: AccountData]) throws -> [AccountData] {
        try requireFullFill(effect)
        let q = effect.quote
        let (inVault, outVault) = q.inputMint == mintA ? (state.tokenA, state.tokenB) : (state.tokenB, state.tokenA)
        var w = AccountWrites(accounts)
        try w.moveAmount(inVault, by: Int128(q.amountIn))
        try w.moveAmount(outVault, by: -Int128(q.amountOut))
        return w.result(pool: address)
    }
}
