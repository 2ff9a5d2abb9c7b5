import Dex
import Foundation
import SolanaCore

extension Cluster {
    /// The real mainnet accounts bundled with the product (Sources/Simulator/Snapshots).
    public static func bundledAccounts() throws -> [AccountData] {
        guard let root = Bundle.module.url(forResource: "Snapshots", withExtension: nil) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "bundled snapshots missing"])
        }
        return Array(SnapshotQuoter.index(try AccountFile.loadAll(paths: [root.path])).values).sorted { $0.address < $1.address }
    }

    /// A cluster of the bundled pools; with `pools` > the bundled count, pools of every kind are
    /// cloned under new addresses (see `PoolCloner`) until there are that many.
    public static func bundled(seed: UInt64 = 1, pools: Int? = nil, swapsPerSlot: Int = 2) throws -> Cluster {
        var accounts = try bundledAccounts()
        if let wanted = pools { accounts = PoolCloner.clone(accounts: accounts, toPoolCount: wanted) }
        return Cluster(accounts: accounts, seed: seed, swapsPerSlot: swapsPerSlot)
    }
}

/// Synthesises more pools from the real snapshots for scale tests. A clone copies a quotable pool
/// under a new address with its own copies of the token accounts it holds (vaults, DAMM v1 LP
/// accounts) and of its PDA-derived accounts (tick arrays, bin arrays, bitmap extensions, oracle),
/// re-derived from the new pool address with their pool field patched, so the program's address
/// checks still hold. Clones keep the real mints, so the same pairs trade in many pools and
/// cross-pool mispricings appear as they trade apart.
///
/// ```swift
/// let accounts = PoolCloner.clone(accounts: try Cluster.bundledAccounts(), toPoolCount: 10_000)
/// ```
public enum PoolCloner {
    /// How one template pool is copied.
    struct Recipe {
        let pool: AccountData
        /// Offsets (in the pool account) of token accounts the pool owns outright.
        let ownedAccountOffsets: [Int]
        let derived: [DerivedAccount]
    }

    /// A recipe for every quotable pool among `accounts`, from its DEX descriptor.
    static func recipes(_ accounts: [AccountData]) -> [Recipe] {
        let byKey = Dictionary(accounts.map { ($0.address, $0) }, uniquingKeysWith: { a, _ in a })
        var out: [Recipe] = []
        for pool in accounts {
            guard let dex = DexRegistry.descriptor(forPool: pool),
                let model = try? SnapshotQuoter.pool(address: pool.address, accounts: byKey),
                (try? model.price(context: QuoteContext(now: Cluster.defaultGenesisTime))) != nil
            else { continue }
            out.append(Recipe(pool: pool, ownedAccountOffsets: dex.ownedAccountOffsets, derived: dex.derivedAccounts(pool, accounts, byKey)))
        }
        return out.sorted { $0.pool.address < $1.pool.address }
    }

    /// Adds clones (round-robin over the quotable bundled pools) until there are `wanted` pools.
    public static func clone(accounts: [AccountData], toPoolCount wanted: Int) -> [AccountData] {
        let byKey = Dictionary(accounts.map { ($0.address, $0) }, uniquingKeysWith: { a, _ in a })
        let existing = accounts.filter { a in AccountRegistry.poolModels.contains { $0.isPool(a) } }.count
        guard wanted > existing else { return accounts }
        let templates = recipes(accounts)
        guard !templates.isEmpty else { return accounts }
        var out = accounts
        out.reserveCapacity(accounts.count + (wanted - existing) * 6)
        for i in 0..<(wanted - existing) {
            let recipe = templates[i % templates.count]
            let template = recipe.pool
            func derive(_ tag: String, _ key: Pubkey) -> Pubkey {
                Pubkey(bytes: SHA256.hash(Array("clone:\(i):\(tag)".utf8) + key.bytes))!
            }
            var pool = template
            pool.address = derive("pool", template.address)
            var w = ByteWriter(pool.data)
            for offset in recipe.ownedAccountOffsets {
                guard let key = try? ByteReader(template.data).pubkey(offset), var owned = byKey[key] else { continue }
                owned.address = derive("account\(offset)", key)
                w.put(owned.address, at: offset)
                out.append(owned)
            }
            for d in recipe.derived {
                guard let key = d.address(pool.address) else { continue }
                var copy = d.template
                copy.address = key
                var dw = ByteWriter(copy.data)
                if let at = d.poolFieldOffset { dw.put(pool.address, at: at) }
                copy.data = dw.bytes
                if let at = d.poolPointerOffset { w.put(key, at: at) }
                out.append(copy)
            }
            pool.data = w.bytes
            out.append(pool)
        }
        return out
    }
}
