import SolanaCore

extension DexKind {
    public static let raydiumAmmV4 = DexKind(named: "raydium-amm-v4")
}

extension DexDescriptor {
    /// Raydium AMM v4: AmmInfo 752 B, coin/pc mints @400/@432, vaults @336/@368 (dex-layouts.md §3).
    public static let raydiumAmmV4 = DexDescriptor(
        kind: .raydiumAmmV4, program: ProgramIds.raydiumAmmV4,
        poolTypeAliases: ["amm_v4", "raydium_amm", "raydium_amm_v4", "raydium-amm-v4", "raydium_v4"],
        poolDataSize: 752, mintOffsets: (400, 432), ownedAccountOffsets: [336, 368], priceInTokenAccounts: true,
        model: RaydiumAmmV4Pool.self, layouts: [RaydiumAmmV4Info.self],
        // The AMM authority PDA (seed "amm authority"), owner of every pool's coin/pc vault: the
        // vaults of the bundled 58oQ… pool carry it at offset 32 (Sources/Simulator/Snapshots).
        vaultAuthority: Pubkey("5Q544fKrFoe6tsEbD7S8EmxGTJYAKtTVhAW5Q5pge4j1"),
        // swapComputeUnits: above the most the program binary spent in Tests/DexTests/Vectors/swap-instructions (whole transactions).
        swapComputeUnits: 60_000)
}
