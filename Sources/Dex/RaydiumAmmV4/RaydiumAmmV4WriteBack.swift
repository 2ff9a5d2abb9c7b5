import SolanaCore

/// process_swap_base_in (raydium-amm processor.rs @27f461d): the whole input goes to the input
/// vault, the output leaves the other, and the pool account is written (`amm.recent_epoch =
/// Clock::get()?.epoch`, @736): the same epoch as before on all but an epoch's first swap, yet the
/// chain notifies the pool on every swap. (Programs before that commit also added the swap to
/// state_data's swap totals @256…@344; the current one no longer does.)
extension RaydiumAmmV4Pool: SwapSimulation {
    public func writeBack(_ effect: SwapEffect, accounts: [Pubkey: AccountData]) throws -> [AccountData] {
        try moveVaults(effect, vaultA: info.coinVault, vaultB: info.pcVault, accounts: accounts, poolWritten: true)
    }
}
