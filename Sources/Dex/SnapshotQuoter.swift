import SolanaCore

/// Builds a pool model from a set of account snapshots (files, an RPC answer, the store),
/// feeding it every dependent account it asks for. This is the path the `quote` and `price`
/// commands take, and the one the fixture tests use, so both check the same code.
///
/// ```swift
/// let pool = try SnapshotQuoter.pool(address: poolKey, accounts: byAddress)
/// let q = try pool.quote(amountIn: 1_000_000_000, inputMint: KnownMints.wsol, context: QuoteContext(now: now))
/// ```
public enum SnapshotQuoter {
    public static func pool(address: Pubkey, accounts: [Pubkey: AccountData]) throws -> any PoolModel {
        guard let account = accounts[address] else { throw QuoteError.missingAccount(role: "pool", address: address) }
        var model = try AccountRegistry.poolModel(for: account)
        // The watch set can grow once dependents are known (e.g. mints read from a config),
        // so apply until nothing new is asked for.
        var offered = Set<Pubkey>([address])
        for _ in 0..<8 {
            let wanted = model.accountsToWatch().filter { !offered.contains($0) }
            if wanted.isEmpty { break }
            for key in wanted {
                offered.insert(key)
                if let a = accounts[key] { _ = try model.apply(a) }
            }
        }
        return model
    }

    /// Indexes loaded files by address (files without an address are skipped). When an address
    /// appears twice, the snapshot with the higher slot wins; on equal slots the first one given
    /// (files are listed shallowest folder first) — an older dump in a sub-folder never shadows it.
    public static func index(_ loaded: [AccountFile.Loaded]) -> [Pubkey: AccountData] {
        var out: [Pubkey: AccountData] = [:]
        for l in loaded {
            guard let a = l.address else { continue }
            if let existing = out[a], existing.slot >= l.account.slot { continue }
            out[a] = l.account
        }
        return out
    }
}
