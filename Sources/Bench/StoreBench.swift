import Cache
import Dex
import Foundation
import SolanaCore

/// Store apply cost: one decoded account update applied to the PoolStore and the pool re-priced
/// (the part of decode + apply after the frame is parsed), per DEX.
public enum StoreBench {
    public static func run(accounts: [Pubkey: AccountData], quick: Bool) -> [BenchResult] {
        var results: [BenchResult] = []
        let samples = quick ? 200 : 2_000
        var seen = Set<DexKind>()
        for (key, account) in accounts.sorted(by: { $0.key < $1.key }) where AccountRegistry.poolModels.contains(where: { $0.isPool(account) }) {
            let store = PoolStore(context: { QuoteContext(now: 1_783_355_400) })
            store.addPool(PoolConfig(address: key))
            var offered = Set<Pubkey>()
            for _ in 0..<6 {
                let wanted = store.watchedAccounts().subtracting(offered)
                if wanted.isEmpty { break }
                for k in wanted { offered.insert(k); if var a = accounts[k] { a.slot = 1; store.apply(a, receivedAt: 0) } }
            }
            guard let entry = store.entry(key), entry.status == .ok, let dex = entry.dex, !seen.contains(dex) else { continue }
            seen.insert(dex)
            // The account most often updated: the input vault for vault pools, the pool itself for concentrated ones.
            let vaultDex: Set<DexKind> = [.raydiumAmmV4, .raydiumCpmm, .orcaTokenSwapV2, .pumpSwap]
            let target = vaultDex.contains(dex) ? (entry.watched.first { accounts[$0].map(TokenAccount.matches) ?? false } ?? key) : key
            guard var update = accounts[target] else { continue }
            var slot: UInt64 = 2
            results.append(Measure.nanos(name: "store_apply", dex: dex.rawValue, samples: samples, batch: 20) {
                update.slot = slot
                slot += 1
                store.apply(update, receivedAt: 0)
            })
        }
        return results
    }
}
