import SolanaCore

extension DexKind {
    public static let orcaWhirlpool = DexKind(named: "orca-whirlpool")
}

extension DexDescriptor {
    /// Orca Whirlpool: Whirlpool 653 B, mints @101/@181, vaults @133/@213; tick arrays (pool key @9956
    /// fixed, @12 dynamic) and the Oracle (@8) are PDAs of the pool (dex-layouts.md §6).
    public static let orcaWhirlpool = DexDescriptor(
        kind: .orcaWhirlpool, program: ProgramIds.orcaWhirlpool,
        poolTypeAliases: ["whirlpool", "orca_whirlpool", "orca-whirlpool"],
        poolDataSize: 653, mintOffsets: (101, 181), ownedAccountOffsets: [133, 213], priceInTokenAccounts: false,
        model: OrcaWhirlpoolPool.self,
        layouts: [
            OrcaWhirlpoolState.self, OrcaWhirlpoolTickArray.self, OrcaWhirlpoolFeeTier.self,
            OrcaWhirlpoolsConfig.self, OrcaWhirlpoolOracle.self,
        ],
        programAccountKinds: [
            ProgramAccountKind(name: "whirlpool", dataSize: 653),
            ProgramAccountKind(name: "fixed tick array", dataSize: OrcaWhirlpoolTickArray.fixedSize),
            // Dynamic tick arrays vary in size (148…10004 B): matched by their discriminator alone.
            ProgramAccountKind(name: "dynamic tick array", dataSize: nil, discriminatorHex: OrcaWhirlpoolTickArray.dynamicDiscriminator),
            ProgramAccountKind(name: "oracle", dataSize: OrcaWhirlpoolOracle.size),
        ],
        // swapComputeUnits: above the most the program binary spent in Tests/DexTests/Vectors/swap-instructions (whole transactions).
        swapComputeUnits: 300_000,
        derivedAccounts: { pool, accounts, byKey in
            var out: [DerivedAccount] = []
            for a in accounts where OrcaWhirlpoolTickArray.matches(a) {
                guard let t = try? OrcaWhirlpoolTickArray(a), t.whirlpool == pool.address else { continue }
                let start = Int(t.startTickIndex)
                out.append(
                    DerivedAccount(template: a, poolFieldOffset: t.isDynamic ? 12 : 9956) {
                        OrcaWhirlpoolPool.tickArrayAddress(pool: $0, start: start)
                    })
            }
            let seed = Array("oracle".utf8)
            if let oracle = DerivedAccount.pda({ [seed, $0.bytes] }, program: ProgramIds.orcaWhirlpool, pool: pool.address, offset: 8, in: byKey) {
                out.append(oracle)
            }
            return out
        })
}
