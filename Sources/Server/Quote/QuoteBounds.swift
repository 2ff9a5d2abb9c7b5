import Arbitrage
import Cache
import Dex
import Foundation
import SolanaCore

/// Per-pool rate bounds for `/v1/quote`, kept per pool version: recomputed (one probe quote per
/// direction) only when the pool's state moved. A bound is the mid price (`MarginalRateBound`),
/// discounted by the fee only for pools whose fee no clock can lower (`tradeFeeIsConstantOverTime`),
/// so a cached bound holds whatever time it is.
///
/// ```swift
/// let bounds = QuoteBounds()
/// let most = RateBound.convertUp(amount, rate: bounds.rate(entry, input: sol, context: ctx))  // ≥ the exact output
/// ```
// @unchecked Sendable: `lock` guards cache.
public final class QuoteBounds: @unchecked Sendable {
    struct Cached {
        let updates: UInt64
        let slot: UInt64
        let mintA: Pubkey
        let ab: UInt128
        let ba: UInt128
    }

    private let lock = NSLock()
    private var cache: [Pubkey: Cached] = [:]
    /// Cap on pools remembered (the cache is rebuilt from scratch past it).
    static let capacity = 250_000

    public init() {}

    /// An upper bound (Q64.64, raw units out per raw unit in) on the rate of `entry` from `input`.
    public func rate(_ entry: PoolEntry, input: Pubkey, context: QuoteContext) -> UInt128 {
        guard let model = entry.model, let price = entry.price else { return RateBound.unbounded }
        if let c = lock.withLock({ cache[entry.address] }), c.updates == entry.updates, c.slot == entry.lastSlot, c.mintA == price.mintA {
            return input == c.mintA ? c.ab : c.ba
        }
        // The fee discount only where no clock can lower the fee before the pool next changes.
        let (ab, ba) = MarginalRateBound.both(model, price: price, context: context, discountFee: model.tradeFeeIsConstantOverTime)
        lock.withLock {
            if cache.count >= Self.capacity { cache.removeAll(keepingCapacity: true) }
            cache[entry.address] = Cached(updates: entry.updates, slot: entry.lastSlot, mintA: price.mintA, ab: ab, ba: ba)
        }
        return input == price.mintA ? ab : ba
    }
}
