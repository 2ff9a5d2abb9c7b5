import SolanaCore

extension DexKind {
    public static let meteoraDammV2 = DexKind(named: "meteora-damm-v2")
}

extension DexDescriptor {
    /// Meteora DAMM v2 (cp-amm): Pool 1112 B, mints @168/@200, vaults @232/@264; the price is the
    /// pool's sqrt_price (or its own token amounts when compounding), dex-layouts.md §8.
    public static let meteoraDammV2 = DexDescriptor(
        kind: .meteoraDammV2, program: ProgramIds.meteoraDammV2,
        poolTypeAliases: ["meteora_damm_v2", "damm_v2", "meteora-damm-v2", "cp_amm"],
        poolDataSize: 1112, mintOffsets: (168, 200), ownedAccountOffsets: [232, 264], priceInTokenAccounts: false,
        model: MeteoraDammV2Pool.self, layouts: [MeteoraDammV2PoolState.self],
        // The pool authority PDA ("pool_authority"), owner of every pool's token vaults (offset 32
        // of the bundled 8Pm2… pool's vaults, Sources/Simulator/Snapshots).
        vaultAuthority: Pubkey("HLnpSz9h2S4hiLQ43rnSD9XkcUThA7B8hQMKmDaiTLcC"),
        // swapComputeUnits: above the most the program binary spent in Tests/DexTests/Vectors/swap-instructions (whole transactions).
        swapComputeUnits: 80_000)
}
