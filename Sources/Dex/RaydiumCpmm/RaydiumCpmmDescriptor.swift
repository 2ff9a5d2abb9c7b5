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
        model: RaydiumCpmmPool.self, layouts: [RaydiumCpmmPoolState.self, RaydiumCpmmAmmConfig.self, RaydiumCpmmObservationState.self])
}
