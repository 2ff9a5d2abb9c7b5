import SolanaCore

/// process_swap_base_in (raydium-amm processor.rs): the whole input goes to the input vault, the
/// output leaves the other; the pool account does not change on a swap.
extension RaydiumAmmV4Pool: SwapSimulation {
    public func writeBack(_ effect: SwapEffect, accounts: [Pubkey: AccountData]) throws -> [AccountData] {
        try moveVaults(effect, vaultA: info.coinVault, vaultB: info.pcVault, accounts: accounts)
    }
}
