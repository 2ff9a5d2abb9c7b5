import Dex
import Foundation
import SolanaCore

extension Cluster {
    /// The real mainnet accounts bundled with the product (Sources/Simulator/Snapshots).
    public static func bundledAccounts() throws -> [AccountData] {
        guard let root = Bundle.module.url(forResource: "Snapshots", withExtension: nil) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "bundled snapshots missing"])
        }
        return Array(SnapshotQuoter.index(try AccountFile.loadAll(paths: [root.path])).values)
    }

    /// A cluster of the bundled pools; with `pools` > the bundled count, vault-reserve pools are
    /// cloned under new addresses (with their own vaults) until there are that many.
    public static func bundled(seed: UInt64 = 1, pools: Int? = nil, swapsPerSlot: Int = 2) throws -> Cluster {
        var accounts = try bundledAccounts()
        if let wanted = pools { accounts = PoolCloner.clone(accounts: accounts, toPoolCount: wanted) }
        return Cluster(accounts: accounts, seed: seed, swapsPerSlot: swapsPerSlot)
    }
}

/// Synthesises more pools from the real snapshots for scale tests: each clone copies a
/// vault-reserve pool and its vaults under deterministic new addresses and points the pool at them.
public enum PoolCloner {
    /// (pool layout, vault offsets inside the pool account)
    static func vaultOffsets(_ a: AccountData) -> [Int]? {
        if RaydiumAmmV4Info.matches(a) { return [336, 368] }
        if RaydiumCpmmPoolState.matches(a) { return [72, 104] }
        if OrcaTokenSwapState.matches(a) { return [35, 67] }
        return nil
    }

    public static func clone(accounts: [AccountData], toPoolCount wanted: Int) -> [AccountData] {
        let byKey = Dictionary(accounts.map { ($0.address, $0) }, uniquingKeysWith: { a, _ in a })
        let templates = accounts.filter { vaultOffsets($0) != nil }.sorted { $0.address < $1.address }
        let existing = accounts.filter { a in AccountRegistry.poolModels.contains { $0.isPool(a) } }.count
        guard wanted > existing, !templates.isEmpty else { return accounts }
        var out = accounts
        for i in 0..<(wanted - existing) {
            let template = templates[i % templates.count]
            func derive(_ tag: String, _ key: Pubkey) -> Pubkey {
                Pubkey(bytes: SHA256.hash(Array("clone:\(i):\(tag)".utf8) + key.bytes))!
            }
            var pool = template
            pool.address = derive("pool", template.address)
            var w = ByteWriter(pool.data)
            for offset in vaultOffsets(template)! {
                guard let vaultKey = try? ByteReader(template.data).pubkey(offset), var vault = byKey[vaultKey] else { continue }
                vault.address = derive("vault\(offset)", vaultKey)
                w.put(vault.address, at: offset)
                out.append(vault)
            }
            pool.data = w.bytes
            out.append(pool)
        }
        return out
    }
}
