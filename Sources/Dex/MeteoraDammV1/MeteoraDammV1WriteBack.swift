import SolanaCore

/// dynamic-amm `swap`: deposits into / withdraws from the vaults (vault token accounts, LP mints,
/// pool LP accounts, vault `total_amount`); the pool account itself does not change.
extension MeteoraDammV1Pool: SwapSimulation {
    public func simulate(amountIn: UInt64, inputMint: Pubkey, context: QuoteContext) throws -> SwapEffect {
        try swap(amountIn: amountIn, inputMint: inputMint, context: context, recordState: true)
    }

    public func writeBack(_ effect: SwapEffect, accounts: [Pubkey: AccountData]) throws -> [AccountData] {
        try writeBalances(effect, accounts: accounts)
    }
}
