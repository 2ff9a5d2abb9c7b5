import Cache
import Dex
import SolanaCore

/// Dollar values of pool reserves, priced from the cache's own pools: mints in `usdMints` are
/// worth $1; any other mint takes its price from the deepest pool (by the dollar value of its
/// priced side) pairing it with an already priced mint, over up to three hops. Floating point on
/// purpose: this only decides which pools are worth following, it never enters a quote.
///
/// ```swift
/// let prices = ReserveValuation.usdPrices(store.entries(), usdMints: [KnownMints.usdc])
/// let value = ReserveValuation.usdValue(entry.price!, prices: prices)   // nil when unpriceable
/// ```
public enum ReserveValuation {
    public static func usdPrices(_ entries: [PoolEntry], usdMints: Set<Pubkey>) -> [Pubkey: Double] {
        var prices = Dictionary(uniqueKeysWithValues: usdMints.map { ($0, 1.0) })
        let quotes = entries.compactMap(\.price)
        for _ in 0..<3 {
            var best: [Pubkey: (price: Double, depth: Double)] = [:]
            for p in quotes {
                let bPerA = p.priceBPerA.doubleValue
                guard bPerA.isFinite, bPerA > 0 else { continue }
                if let usdA = prices[p.mintA], prices[p.mintB] == nil, let depth = human(p.reserveA, p.decimalsA).map({ $0 * usdA }) {
                    let candidate = usdA / bPerA
                    if depth > (best[p.mintB]?.depth ?? -1) { best[p.mintB] = (candidate, depth) }
                }
                if let usdB = prices[p.mintB], prices[p.mintA] == nil, let depth = human(p.reserveB, p.decimalsB).map({ $0 * usdB }) {
                    let candidate = usdB * bPerA
                    if depth > (best[p.mintA]?.depth ?? -1) { best[p.mintA] = (candidate, depth) }
                }
            }
            if best.isEmpty { break }
            for (mint, b) in best where b.price.isFinite { prices[mint] = b.price }
        }
        return prices
    }

    /// The dollar value of both reserves; nil when neither side can be valued (reserves unknown or
    /// mints unpriced). A side that cannot be valued counts as zero.
    public static func usdValue(_ p: PoolPrice, prices: [Pubkey: Double]) -> Double? {
        let a = prices[p.mintA].flatMap { usd in human(p.reserveA, p.decimalsA).map { $0 * usd } }
        let b = prices[p.mintB].flatMap { usd in human(p.reserveB, p.decimalsB).map { $0 * usd } }
        if a == nil && b == nil { return nil }
        return (a ?? 0) + (b ?? 0)
    }

    static func human(_ amount: UInt64?, _ decimals: UInt8) -> Double? {
        amount.map { Double($0) / pow10(Int(decimals)) }
    }

    static func pow10(_ n: Int) -> Double {
        var r = 1.0
        for _ in 0..<n { r *= 10 }
        return r
    }
}
