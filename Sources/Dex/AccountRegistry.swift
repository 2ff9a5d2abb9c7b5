import SolanaCore

/// Every layout we can decode and every pool model we can quote, keyed by owner program,
/// size and discriminator (via each type's `matches` / `isPool`), as the DEX descriptors list them.
public enum AccountRegistry {
    /// Token accounts and mints, then every DEX's layouts (from `DexRegistry`).
    public static let layouts: [any AccountLayout.Type] = [TokenAccount.self, TokenMint.self] + DexRegistry.all.flatMap(\.layouts)

    public static let poolModels: [any PoolModel.Type] = DexRegistry.all.map(\.model)

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
        throw DecodeError.unknownAccount(
            owner: account.owner, size: account.data.count,
            discriminator: Hex.encode(account.data.prefix(8)))
    }

    /// The pool model for a pool account, or a typed error when it is not a supported pool.
    public static func poolModel(for account: AccountData) throws -> any PoolModel {
        if let model = poolModels.first(where: { $0.isPool(account) }) {
            return try model.init(pool: account)
        }
        // Not a pool: if it decodes as something else, say what it is.
        if let layout = layouts.first(where: { $0.matches(account) }) {
            throw DecodeError.invalidField(
                kind: "\(layout.program)/\(layout.kind)", field: "account",
                reason: "\(account.address) is a \(layout.kind), not a pool")
        }
        _ = try decode(account)
        throw DecodeError.unknownAccount(owner: account.owner, size: account.data.count, discriminator: Hex.encode(account.data.prefix(8)))
    }
}
