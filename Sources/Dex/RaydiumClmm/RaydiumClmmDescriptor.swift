import SolanaCore

extension DexKind {
    public static let raydiumClmm = DexKind(named: "raydium-clmm")
}

extension DexDescriptor {
    /// Raydium CLMM: PoolState 1544 B, mints @73/@105, vaults @137/@169; tick arrays (pool key @8) and
    /// the bitmap extension (@8) are PDAs of the pool (dex-layouts.md §5).
    public static let raydiumClmm = DexDescriptor(
        kind: .raydiumClmm, program: ProgramIds.raydiumClmm,
        poolTypeAliases: ["clmm", "raydium_clmm", "raydium-clmm"],
        poolDataSize: 1544, mintOffsets: (73, 105), ownedAccountOffsets: [137, 169], priceInTokenAccounts: false,
        model: RaydiumClmmPool.self,
        layouts: [
            RaydiumClmmPoolState.self, RaydiumClmmAmmConfig.self, RaydiumClmmTickArray.self,
            RaydiumClmmTickArrayBitmapExtension.self, RaydiumClmmObservationState.self,
        ],
        programAccountKinds: [
            ProgramAccountKind(name: "pool", dataSize: RaydiumClmmPoolState.size),
            ProgramAccountKind(name: "tick array", dataSize: RaydiumClmmTickArray.size),
            ProgramAccountKind(name: "tick array bitmap extension", dataSize: RaydiumClmmTickArrayBitmapExtension.size),
        ],
        // swapComputeUnits: above the most the program binary spent in Tests/DexTests/Vectors/swap-instructions (whole transactions).
        swapComputeUnits: 600_000,
        derivedAccounts: { pool, accounts, byKey in
            var out: [DerivedAccount] = []
            for a in accounts where RaydiumClmmTickArray.matches(a) {
                guard let t = try? RaydiumClmmTickArray(a), t.poolId == pool.address else { continue }
                let start = t.startTickIndex
                out.append(DerivedAccount(template: a, poolFieldOffset: 8) { RaydiumClmmPool.tickArrayAddress(pool: $0, startTickIndex: start) })
            }
            let seed = Array("pool_tick_array_bitmap_extension".utf8)
            if let ext = DerivedAccount.pda({ [seed, $0.bytes] }, program: ProgramIds.raydiumClmm, pool: pool.address, offset: 8, in: byKey) {
                out.append(ext)
            }
            return out
        })
}
