import SolanaCore

/// The one list of supported DEXes. Adding a DEX: a folder with its layouts, pool model, write-back
/// and descriptor, and one line here.
public enum DexRegistry {
    public static let all: [DexDescriptor] = [
        .raydiumAmmV4, .raydiumCpmm, .raydiumClmm, .orcaWhirlpool, .meteoraDlmm,
        .meteoraDammV2, .meteoraDammV1, .orcaTokenSwapV2, .pumpSwap,
    ]

    public static func descriptor(_ kind: DexKind) -> DexDescriptor? { all.first { $0.kind == kind } }

    /// The DEX whose pool this account is, nil for any other account.
    public static func descriptor(forPool account: AccountData) -> DexDescriptor? { all.first { $0.isPool(account) } }

    /// The DEX a configured `pool_type` (or its JSON `dex` name) names, nil when unknown.
    public static func descriptor(poolType: String) -> DexDescriptor? {
        let t = poolType.lowercased()
        return all.first { $0.kind.rawValue == t || $0.poolTypeAliases.contains(t) }
    }

    /// Programs owning any account we decode (fuzzing uses them as owners).
    public static var programs: [Pubkey] {
        var seen = Set<Pubkey>(), out: [Pubkey] = []
        for p in all.flatMap({ [$0.program] + $0.dependencyPrograms }) + [ProgramIds.splToken, ProgramIds.token2022] where seen.insert(p).inserted {
            out.append(p)
        }
        return out
    }
}
