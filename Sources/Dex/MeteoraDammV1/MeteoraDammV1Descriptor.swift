import SolanaCore

extension DexKind {
    public static let meteoraDammV1 = DexKind(named: "meteora-damm-v1")
}

extension DexDescriptor {
    /// Meteora DAMM v1: Pool 1387 B, mints @40/@72; reserves are the pool's vault-LP shares (a/b vault
    /// LP token accounts @168/@200) of dynamic vaults shared by many pools (dex-layouts.md §9).
    public static let meteoraDammV1 = DexDescriptor(
        kind: .meteoraDammV1, program: ProgramIds.meteoraDammV1, dependencyPrograms: [ProgramIds.meteoraVault, ProgramIds.marinade],
        poolTypeAliases: ["meteora_damm", "meteora_damm_v1", "damm_v1", "meteora-damm-v1", "dynamic_amm"],
        poolDataSize: 1387, mintOffsets: (40, 72), ownedAccountOffsets: [168, 200], priceInTokenAccounts: true,
        model: MeteoraDammV1Pool.self, layouts: [MeteoraDammV1PoolState.self, MeteoraVault.self, MarinadeState.self],
        // swapComputeUnits: above the most the program binary spent in Tests/DexTests/Vectors/swap-instructions (whole transactions).
        swapComputeUnits: 200_000)
}
