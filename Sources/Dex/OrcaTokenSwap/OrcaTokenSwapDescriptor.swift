import SolanaCore

extension DexKind {
    public static let orcaTokenSwapV2 = DexKind(named: "orca-token-swap-v2")
}

extension DexDescriptor {
    /// Orca token-swap v2: SwapV1 324 B, mints @131/@163, token accounts @35/@67 (dex-layouts.md §10).
    public static let orcaTokenSwapV2 = DexDescriptor(
        kind: .orcaTokenSwapV2, program: ProgramIds.orcaTokenSwapV2,
        poolTypeAliases: ["orca_v2", "token_swap", "orca-token-swap-v2", "orca_token_swap"],
        poolDataSize: 324, mintOffsets: (131, 163), ownedAccountOffsets: [35, 67], priceInTokenAccounts: true,
        model: OrcaTokenSwapPool.self, layouts: [OrcaTokenSwapState.self],
        // swapComputeUnits: no program binary to measure; a bound for a constant-product swap with token transfers.
        swapComputeUnits: 80_000)
}
