import SolanaCore

/// process_swap_base_in (raydium-amm processor.rs): the whole input goes to the input vault, the
/// output leaves the other; the pool account does not change on a swap.
extension RaydiumAmmV4Pool: SwapSimulation {
    public func simulate(amountIn: UInt64, inputMint: Pubkey, context: QuoteContext) throws -> SwapEffect {
        SwapEffect(quote: try quote(amountIn: amountIn, inputMint: inputMint, context: context), after: nil)
    }

    public func writeBack(_ effect: SwapEffect, accounts: [Pubkey: AccountData]) throws -> [AccountData] {
        try requireFullFill(effect)
        let q = effect.quote
        let (inVault, outVault) = q.inputMint == mintA ? (info.coinVault, info.pcVault) : (info.pcVault, info.coinVault)
        var w = AccountWrites(accounts)
        try w.moveAmount(inVault, by: Int128(q.amountIn))
        try w.moveAmount(outVault, by: -Int128(q.amountOut))
        return w.result(pool: address)
    }
}
