import SolanaCore

extension DexKind {
    public static let pumpSwap = DexKind(named: "pumpswap")
}

extension DexDescriptor {
    /// PumpSwap: Pool (size grew over time, so no dataSize filter), base/quote mints @43/@75, vaults
    /// @139/@171; fees from the pump fee program's FeeConfig (dex-layouts.md §12).
    public static let pumpSwap = DexDescriptor(
        kind: .pumpSwap, program: ProgramIds.pumpSwap, dependencyPrograms: [ProgramIds.pumpFees],
        poolTypeAliases: ["pumpswap", "pump_swap", "pump_amm"],
        poolDataSize: nil, mintOffsets: (43, 75), ownedAccountOffsets: [139, 171], priceInTokenAccounts: true,
        model: PumpSwapPool.self, layouts: [PumpSwapPoolState.self, PumpSwapGlobalConfig.self, PumpFeeConfig.self],
        // Pools grew over time: matched by their discriminator instead of a size.
        programAccountKinds: [ProgramAccountKind(name: "pool", dataSize: nil, discriminatorHex: PumpSwapPoolState.discriminator)],
        // swapComputeUnits: no program binary to measure; a bound for a constant-product swap with token transfers.
        swapComputeUnits: 150_000)
}
