import SolanaCore

/// Every layout we can decode and every pool model we can quote, keyed by owner program,
/// size and discriminator (via each type's `matches` / `isPool`). One line per type.
public enum AccountRegistry {
    public static let layouts: [any AccountLayout.Type] = [
        TokenAccount.self, TokenMint.self,
        RaydiumAmmV4Info.self, RaydiumCpmmPoolState.self, RaydiumCpmmAmmConfig.self, RaydiumCpmmObservationState.self, OrcaTokenSwapState.self,
        PumpSwapPoolState.self, PumpSwapGlobalConfig.self, PumpFeeConfig.self,  // @layouts-vault-dexes
        RaydiumClmmPoolState.self, RaydiumClmmAmmConfig.self, RaydiumClmmTickArray.self, RaydiumClmmTickArrayBitmapExtension.self, RaydiumClmmObservationState.self, // @layouts-raydium-clmm
        OrcaWhirlpoolState.self, OrcaWhirlpoolTickArray.self, OrcaWhirlpoolFeeTier.self, OrcaWhirlpoolsConfig.self, OrcaWhirlpoolOracle.self, // @layouts-orca-whirlpool
        MeteoraDlmmLbPair.self, MeteoraDlmmBinArray.self, MeteoraDlmmBitmapExtension.self, MeteoraDlmmOracle.self, // @layouts-meteora-dlmm
        MeteoraDammV2PoolState.self, MeteoraDammV1PoolState.self, MeteoraVault.self, MarinadeState.self, // @layouts-meteora-damm-v2
    ]

    public static let poolModels: [any PoolModel.Type] = [
        RaydiumAmmV4Pool.self, RaydiumCpmmPool.self, OrcaTokenSwapPool.self, PumpSwapPool.self,  // @pools-vault-dexes
        RaydiumClmmPool.self, // @pools-raydium-clmm
        OrcaWhirlpoolPool.self, // @pools-orca-whirlpool
        MeteoraDlmmPool.self, // @pools-meteora-dlmm
        MeteoraDammV2Pool.self, MeteoraDammV1Pool.self, // @pools-meteora-damm-v2
    ]

    /// Decodes any supported account; the error says which check failed for the closest layout.
    public static func decode(_ account: AccountData) throws -> DecodedAccount {
        if let layout = layouts.first(where: { $0.matches(account) }) {
            return try layout.init(account).decoded
        }
        // No layout matched: report the first failing check of a layout of the same program,
        // so "wrong size" / "wrong discriminator" is visible instead of a generic error.
        for layout in layouts {
            do { _ = try layout.init(account) } catch let e as DecodeError {
                if case .wrongOwner = e { continue }
                throw e
            }
        }
        throw DecodeError.unknownAccount(owner: account.owner, size: account.data.count,
                                         discriminator: Hex.encode(account.data.prefix(8)))
    }

    /// The pool model for a pool account, or a typed error when it is not a supported pool.
    public static func poolModel(for account: AccountData) throws -> any PoolModel {
        if let model = poolModels.first(where: { $0.isPool(account) }) {
            return try model.init(pool: account)
        }
        // Not a pool: if it decodes as something else, say what it is.
        if let layout = layouts.first(where: { $0.matches(account) }) {
            throw DecodeError.invalidField(kind: "\(layout.program)/\(layout.kind)", field: "account",
                                           reason: "\(account.address) is a \(layout.kind), not a pool")
        }
        _ = try decode(account)
        throw DecodeError.unknownAccount(owner: account.owner, size: account.data.count, discriminator: Hex.encode(account.data.prefix(8)))
    }
}
