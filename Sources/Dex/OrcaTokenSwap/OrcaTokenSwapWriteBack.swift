import SolanaCore

/// token-swap processor.rs `process_swap`: input into its vault, output out of the other (the owner
/// fee is minted as pool tokens, which no quote reads).
extension OrcaTokenSwapPool: SwapSimulation {
    public func writeBack(_ effect: SwapEffect, accounts: [Pubkey: AccountData]) throws -> [AccountData] {
        try moveVaults(effect, vaultA: state.tokenA, vaultB: state.tokenB, accounts: accounts)
    }
}
