import Dex
import Foundation
import SolanaCore

/// Exact-in quote cost per DEX on the bundled mainnet pools: a single-step amount (stays in the
/// current tick/bin) and a multi-step one (crosses ticks/bins/arrays).
public enum QuoteBench {
    public struct Case {
        public let dex: DexKind
        public let pool: any PoolModel
        public let input: Pubkey
        public let small: UInt64
        public let large: UInt64
    }

    /// One case per bundled pool kind; `large` is sized to cross several ticks/bins where the pool has them.
    public static func cases(accounts: [Pubkey: AccountData]) -> [Case] {
        var out: [Case] = []
        var seen = Set<DexKind>()
        let ctx = QuoteContext(now: 1_783_355_400)
        for (key, account) in accounts.sorted(by: { $0.key < $1.key }) where AccountRegistry.poolModels.contains(where: { $0.isPool(account) }) {
            guard let pool = try? SnapshotQuoter.pool(address: key, accounts: accounts), !seen.contains(pool.dex),
                let price = try? pool.price(context: ctx)
            else { continue }
            let input = pool.mintA
            let unit = UInt64(pow(10.0, Double(price.decimalsA)))
            guard (try? pool.quote(amountIn: unit / 100, inputMint: input, context: ctx)) != nil else { continue }
            seen.insert(pool.dex)
            out.append(Case(dex: pool.dex, pool: pool, input: input, small: unit / 100, large: unit * 1_000))
        }
        return out
    }

    public static func run(accounts: [Pubkey: AccountData], quick: Bool, samples: Int? = nil) -> [BenchResult] {
        let ctx = QuoteContext(now: 1_783_355_400)
        let samples = samples ?? (quick ? 200 : 2_000)
        var results: [BenchResult] = []
        for c in cases(accounts: accounts) {
            results.append(
                Measure.nanos(name: "quote", dex: c.dex.rawValue, samples: samples, batch: 20) {
                    _ = try? c.pool.quote(amountIn: c.small, inputMint: c.input, context: ctx)
                })
            results.append(
                Measure.nanos(name: "quote_multistep", dex: c.dex.rawValue, samples: samples / 2, batch: 5) {
                    _ = try? c.pool.quote(amountIn: c.large, inputMint: c.input, context: ctx)
                })
        }
        return results
    }
}
