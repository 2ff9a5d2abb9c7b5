import SolanaCore

extension DexKind {
    public static let raydiumCpmm = DexKind(named: "raydium-cpmm")
}

extension DexDescriptor {
    /// Raydium CPMM: PoolState 637 B, mints @168/@200, vaults @72/@104 (dex-layouts.md §4).
    public static let raydiumCpmm = DexDescriptor(
        kind: .raydiumCpmm, program: ProgramIds.raydiumCpmm,
        poolTypeAliases: ["cpmm", "raydium_cpmm", "raydium-cpmm", "cp_swap"],
        poolDataSize: 637, mintOffsets: (168, 200), ownedAccountOffsets: [72, 104], priceInTokenAccounts: true,
        model: RaydiumCpmmPool.self, layouts: [RaydiumCpmmPoolState.self, RaydiumCpmmAmmConfig.self, RaydiumCpmmObservationState.self],
        // The vault-and-LP-mint authority PDA ("vault_and_lp_mint_auth_seed"), owner of every pool's
        // token vaults (offset 32 of the bundled 7Juw… pool's vaults, Sources/Simulator/Snapshots).
        vaultAuthority: Pubkey("GpMZbSM2GgvTKHJirzeGfMFoaZ8UR2X7F4v8vHTvxFbL"),
        // swapComputeUnits: above the most the program binary spent in Tests/DexTests/Vectors/swap-instructions (whole transactions).
        swapComputeUnits: 80_000)
}
