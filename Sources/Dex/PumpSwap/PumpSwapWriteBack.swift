import SolanaCore

/// buy / sell (pump_amm IDL): the vaults end at the new reserves; the pool account does not change.
extension PumpSwapPool: SwapSimulation {
    public func simulate(amountIn: UInt64, inputMint: Pubkey, context: QuoteContext) throws -> SwapEffect {
        try swap(amountIn: amountIn, inputMint: inputMint, context: context, recordState: true)
    }

    public func writeBack(_ effect: SwapEffect, accounts: [Pubkey: AccountData]) throws -> [AccountData] {
        try writeBalances(effect, accounts: accounts)
    }
}
