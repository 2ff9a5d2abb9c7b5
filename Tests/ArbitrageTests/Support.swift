import Arbitrage
import Dex
import PoolMath
import SolanaCore
import Simulator
import XCTest

/// Shared helpers: a quiet cluster of the bundled mainnet pools, and an exact cycle replay that uses
/// the pool models directly (not the engine), so the tests check the engine against the quoters.
enum ArbSupport {
    static func quietCluster(seed: UInt64 = 1) throws -> Cluster {
        try Cluster.bundled(seed: seed, swapsPerSlot: 0)
    }

    static func time(_ cluster: Cluster) -> ScanTime { ScanTime(unixMs: cluster.now * 1000, slot: cluster.slot) }

    static func snapshot(_ cluster: Cluster, _ pool: Pubkey) -> PoolSnapshot {
        PoolSnapshot(model: cluster.model(pool)!, status: .ok, slot: cluster.slot, updatedAtMs: cluster.now * 1000)
    }

    /// Output of swapping `amount` through `pools` starting with `inputMint`; nil when a quote fails or is partial.
    static func replay(_ models: [any PoolModel], start: Pubkey, amount: UInt64, context: QuoteContext) -> UInt64? {
        var mint = start, x = amount
        for m in models {
            guard let q = try? m.quote(amountIn: x, inputMint: mint, context: context), q.partial == nil else { return nil }
            x = q.amountOut; mint = q.outputMint
        }
        return x
    }

    static func profit(_ models: [any PoolModel], start: Pubkey, amount: UInt64, context: QuoteContext) -> Int128 {
        guard let out = replay(models, start: start, amount: amount, context: context) else { return -Int128(amount) }
        return Int128(out) - Int128(amount)
    }

    static func other(_ m: any PoolModel, _ mint: Pubkey) -> Pubkey { m.mintA == mint ? m.mintB : m.mintA }
}
