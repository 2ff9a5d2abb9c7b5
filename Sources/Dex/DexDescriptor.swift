import SolanaCore

/// Everything the rest of the system knows about one DEX, declared once in its folder and
/// registered in `DexRegistry.all`: ingest, discovery, config, the API, the simulator, fuzzing and
/// the bench ask this instead of naming a DEX.
public struct DexDescriptor: Sendable {
    public let kind: DexKind
    /// The program that owns the DEX's pool accounts.
    public let program: Pubkey
    /// Other programs owning accounts a quote reads (vaults, fee configs, stake pools).
    public let dependencyPrograms: [Pubkey]
    /// The original service's `pool_type` spellings, lower-case.
    public let poolTypeAliases: [String]
    /// Exact pool-account size for a `dataSize` filter; nil where pools grew over time.
    public let poolDataSize: Int?
    /// Where the pool account stores its two mints (A, B), for `memcmp` discovery.
    public let mintOffsets: (a: Int, b: Int)
    /// Offsets in the pool account of token accounts the pool owns outright (vaults, DAMM v1 LP).
    public let ownedAccountOffsets: [Int]
    /// True when the price moves with token-account balances alone (constant-product vault pools),
    /// false when it lives in the pool account (concentrated liquidity, bins, DAMM v2).
    public let priceInTokenAccounts: Bool
    /// Kinds of this program's accounts worth one `programSubscribe` each when the cache follows
    /// many pools (default: the pool account, when `poolDataSize` is known).
    public let programAccountKinds: [ProgramAccountKind]
    /// The one authority (a program-wide PDA) that owns every pool's token vaults, so one Token-
    /// program subscription filtered by it (memcmp at the token account's owner, offset 32) carries
    /// them all; nil where each pool's vaults have their own owner.
    public let vaultAuthority: Pubkey?
    public let model: any PoolModel.Type
    /// Every account layout of this DEX we decode.
    public let layouts: [any AccountLayout.Type]
    /// Accounts derived from a pool's address (tick/bin arrays, bitmap extension, oracle) found among
    /// `accounts`, so a copy of the pool under another address can carry its own (simulator scale tests).
    /// Compute units one swap instruction of this DEX may take (a bound above the most the program
    /// spent in the swaps checked with its binary), for the transaction's compute-unit limit.
    public let swapComputeUnits: UInt32
    public static let defaultSwapComputeUnits: UInt32 = 200_000
    public let derivedAccounts: @Sendable (_ pool: AccountData, _ accounts: [AccountData], _ byKey: [Pubkey: AccountData]) -> [DerivedAccount]

    public init(
        kind: DexKind, program: Pubkey, dependencyPrograms: [Pubkey] = [], poolTypeAliases: [String], poolDataSize: Int?,
        mintOffsets: (a: Int, b: Int), ownedAccountOffsets: [Int], priceInTokenAccounts: Bool,
        model: any PoolModel.Type, layouts: [any AccountLayout.Type],
        programAccountKinds: [ProgramAccountKind]? = nil, vaultAuthority: Pubkey? = nil,
        swapComputeUnits: UInt32 = DexDescriptor.defaultSwapComputeUnits,
        derivedAccounts: @escaping @Sendable (AccountData, [AccountData], [Pubkey: AccountData]) -> [DerivedAccount] = { _, _, _ in [] }
    ) {
        self.kind = kind; self.program = program; self.dependencyPrograms = dependencyPrograms
        self.poolTypeAliases = poolTypeAliases; self.poolDataSize = poolDataSize; self.mintOffsets = mintOffsets
        self.ownedAccountOffsets = ownedAccountOffsets; self.priceInTokenAccounts = priceInTokenAccounts
        self.model = model; self.layouts = layouts; self.derivedAccounts = derivedAccounts
        self.programAccountKinds = programAccountKinds ?? poolDataSize.map { [ProgramAccountKind(name: "pool", dataSize: $0)] } ?? []
        self.vaultAuthority = vaultAuthority
        self.swapComputeUnits = swapComputeUnits
    }

    /// True when `account` is a pool of this DEX.
    public func isPool(_ account: AccountData) -> Bool { model.isPool(account) }
}

/// A dependent account whose address follows from its pool's: the template's bytes, where the pool
/// key sits in them (nil: nowhere), where the pool names it (nil: it does not, the address is a
/// PDA), and how the address is derived from a pool address.
public struct DerivedAccount: Sendable {
    public let template: AccountData
    public let poolFieldOffset: Int?
    public let poolPointerOffset: Int?
    public let address: @Sendable (Pubkey) -> Pubkey?
    public init(
        template: AccountData, poolFieldOffset: Int?, poolPointerOffset: Int? = nil, address: @escaping @Sendable (Pubkey) -> Pubkey?
    ) {
        self.template = template; self.poolFieldOffset = poolFieldOffset; self.poolPointerOffset = poolPointerOffset
        self.address = address
    }

    /// A PDA of `seeds(pool)` under `program`, when `accounts` holds it for this pool.
    static func pda(
        _ seeds: @escaping @Sendable (Pubkey) -> [[UInt8]], program: Pubkey, pool: Pubkey, offset: Int,
        in byKey: [Pubkey: AccountData]
    ) -> DerivedAccount? {
        let derive: @Sendable (Pubkey) -> Pubkey? = { ProgramAddress.find(seeds: seeds($0), programId: program)?.0 }
        guard let key = derive(pool), let template = byKey[key] else { return nil }
        return DerivedAccount(template: template, poolFieldOffset: offset, address: derive)
    }
}
