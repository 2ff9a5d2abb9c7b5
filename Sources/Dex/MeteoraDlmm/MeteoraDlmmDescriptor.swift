import SolanaCore

extension DexKind {
    public static let meteoraDlmm = DexKind(named: "meteora-dlmm")
}

extension DexDescriptor {
    /// Meteora DLMM: LbPair 904 B, mints @88/@120, reserves @152/@184; bin arrays (pair key @24) and
    /// the bitmap extension (@8) are PDAs of the pair (dex-layouts.md §7).
    public static let meteoraDlmm = DexDescriptor(
        kind: .meteoraDlmm, program: ProgramIds.meteoraDlmm,
        poolTypeAliases: ["meteora_dlmm", "dlmm", "meteora-dlmm"],
        poolDataSize: 904, mintOffsets: (88, 120), ownedAccountOffsets: [152, 184], priceInTokenAccounts: false,
        model: MeteoraDlmmPool.self,
        layouts: [MeteoraDlmmLbPair.self, MeteoraDlmmBinArray.self, MeteoraDlmmBitmapExtension.self, MeteoraDlmmOracle.self],
        programAccountKinds: [
            ProgramAccountKind(name: "lb pair", dataSize: MeteoraDlmmLbPair.size),
            ProgramAccountKind(name: "bin array", dataSize: MeteoraDlmmBinArray.size),
            ProgramAccountKind(name: "bin array bitmap extension", dataSize: MeteoraDlmmBitmapExtension.size),
        ],
        // swapComputeUnits: above the most the program binary spent in Tests/DexTests/Vectors/swap-instructions (whole transactions).
        swapComputeUnits: 200_000,
        derivedAccounts: { pool, accounts, byKey in
            var out: [DerivedAccount] = []
            for a in accounts where MeteoraDlmmBinArray.matches(a) {
                guard let b = try? MeteoraDlmmBinArray(a), b.lbPair == pool.address else { continue }
                let index = b.index
                out.append(DerivedAccount(template: a, poolFieldOffset: 24) { MeteoraDlmm.binArrayAddress(pool: $0, index: index) })
            }
            if let ext = byKey[MeteoraDlmm.bitmapExtensionAddress(pool: pool.address)] {
                out.append(DerivedAccount(template: ext, poolFieldOffset: 8) { MeteoraDlmm.bitmapExtensionAddress(pool: $0) })
            }
            // The oracle (named by the pair @552; the program's PDA ["oracle", lb_pair]): every swap
            // writes it, so a clone needs its own.
            if let key = try? ByteReader(pool.data).pubkey(552), let oracle = byKey[key], MeteoraDlmmOracle.matches(oracle) {
                out.append(
                    DerivedAccount(template: oracle, poolFieldOffset: nil, poolPointerOffset: 552) {
                        ProgramAddress.find(seeds: [Array("oracle".utf8), $0.bytes], programId: ProgramIds.meteoraDlmm)?.0
                    })
            }
            return out
        })
}
