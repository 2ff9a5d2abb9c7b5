import Arbitrage
import Cache
import Dex
import Foundation
import RPC
import Simulator
import SolanaCore

/// decode + apply: one accountNotification text frame → parsed, base64-decoded, decoded, applied
/// to the store, pool re-priced; and its floor, parsing the same frame and base64-decoding alone.
public enum DecodeApplyBench {
    public static func run(accounts: [Pubkey: AccountData], quick: Bool, samples: Int? = nil) -> [BenchResult] {
        var results: [BenchResult] = []
        let samples = samples ?? (quick ? 300 : 3_000)
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
            // The account a swap rewrites most often: a vault for vault-reserve pools, the pool state otherwise.
            let target =
                DexRegistry.descriptor(dex)?.priceInTokenAccounts == true
                ? (entry.watched.first { accounts[$0].map(TokenAccount.matches) ?? false } ?? key) : key
            guard let update = accounts[target] else { continue }
            // Frames with increasing slots, prepared up front (the simulator's exact mainnet shape).
            let frames: [[UInt8]] = (0..<64).map { i in
                Array(PubSubSession.accountNotification(update, slot: 10 + UInt64(i), subscription: 7).utf8)
            }
            var parser = PubSubParser()
            var i = 0
            results.append(
                Measure.nanos(name: "decode_floor", dex: dex.rawValue, samples: samples, batch: 16) {
                    _ = try? parser.parse(frames[i & 63]); i &+= 1
                })
            var slot: UInt64 = 100
            results.append(
                Measure.nanos(name: "decode_apply", dex: dex.rawValue, samples: samples, batch: 16) {
                    guard case .account(var note)? = try? parser.parse(frames[i & 63]) else { return }
                    note.slot = slot
                    slot += 1
                    store.apply(note.account(address: target), receivedAt: 0)
                    i &+= 1
                })
        }
        return results
    }
}

/// Full and incremental arbitrage scans over N cloned pools (one in ten pushed off its price).
public enum ArbitrageBench {
    public static func run(poolCounts: [Int], quick: Bool, samples: Int? = nil) throws -> [BenchResult] {
        var results: [BenchResult] = []
        for n in poolCounts {
            let cluster = try Cluster.bundled(seed: 9, pools: n, swapsPerSlot: 0)
            var rng = SplitMix64(seed: UInt64(n))
            let pools = cluster.poolAddresses
            let time = ScanTime(unixMs: cluster.now * 1000, slot: cluster.slot)
            for p in pools where rng.next() % 10 == 0 {
                guard let m = cluster.model(p), let price = try? m.price(context: time.quoteContext), let r = price.reserveA, r > 10_000 else {
                    continue
                }
                _ = try? cluster.swap(pool: p, inputMint: m.mintA, amountIn: r / 10_000 * (20 + rng.next() % 200))
            }
            let now = ScanTime(unixMs: cluster.now * 1000, slot: cluster.slot)
            let engine = ArbitrageEngine(config: ArbitrageConfig())
            for p in pools {
                if let m = cluster.model(p) { engine.upsert(PoolSnapshot(model: m, status: .ok, slot: cluster.slot, updatedAtMs: now.unixMs)) }
            }
            results.append(Measure.nanos(name: "arb_full", pools: n, samples: samples ?? (quick ? 3 : 10), batch: 1) { _ = engine.scanAll(at: now) })
            var k = 0
            results.append(
                Measure.nanos(name: "arb_incremental", pools: n, samples: samples ?? (quick ? 20 : 100), batch: 1) {
                    _ = engine.changed(pools[k % pools.count], at: now); k += 1
                })
        }
        return results.map { r in
            var r = r; r.unit = "ns"; return r
        }
    }
}

/// Resident memory of a store holding N pools (cloned from the snapshots) with all their accounts.
public enum MemoryBench {
    public static func run(poolCounts: [Int]) throws -> [BenchResult] {
        var results: [BenchResult] = []
        let base = Measure.residentBytes()
        results.append(
            BenchResult(
                name: "rss", pools: 0, unit: "MB", p50: Double(base) / 1_048_576, p99: Double(base) / 1_048_576,
                mean: Double(base) / 1_048_576, samples: 1))
        for n in poolCounts {
            let accounts: [Pubkey: AccountData]
            do {
                let cluster = try Cluster.bundled(seed: 1, pools: n, swapsPerSlot: 0)
                accounts = Dictionary(cluster.allAccounts().map { ($0.address, $0) }, uniquingKeysWith: { a, _ in a })
            }
            let before = Measure.residentBytes()
            let store = PoolStore(context: { QuoteContext(now: 1_783_355_400) })
            for (key, a) in accounts where AccountRegistry.poolModels.contains(where: { $0.isPool(a) }) { store.addPool(PoolConfig(address: key)) }
            var offered = Set<Pubkey>()
            for _ in 0..<6 {
                let wanted = store.watchedAccounts().subtracting(offered)
                if wanted.isEmpty { break }
                for k in wanted {
                    offered.insert(k)
                    // The store gets its own copy of the bytes (as from the wire), not the cluster's
                    // shared buffers, so its growth counts them.
                    if var a = accounts[k] { a.data = a.data.withUnsafeBufferPointer { Array($0) }; store.apply(a, receivedAt: 0) }
                }
            }
            let after = Measure.residentBytes()
            let mb = Double(after) / 1_048_576
            results.append(BenchResult(name: "rss", pools: store.poolCount, unit: "MB", p50: mb, p99: mb, mean: mb, samples: 1))
            let perPool = Double(max(0, after - before)) / Double(max(1, store.poolCount))
            results.append(
                BenchResult(
                    name: "rss_per_pool", pools: store.poolCount, unit: "bytes", p50: perPool, p99: perPool, mean: perPool, samples: 1,
                    note: "store rss growth ÷ pools (pool, vaults, arrays, mints held with their bytes)"))
            withExtendedLifetime(store) {}
        }
        return results
    }
}
