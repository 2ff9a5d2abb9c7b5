import Dex
import SolanaCore

/// Health of a cached pool as the cache sees it; only `ok` pools are traded through.
public enum PoolFreshness: String, Sendable {
    case ok, stale, resyncing, error
}

/// How a pool's mid price compares with the other pools of its pair (the original's `price_status`).
public enum PriceStatus: String, Sendable {
    /// Within `outlierThresholdBps` of the pair's median.
    case ok
    /// Further than the threshold from the median: a real dislocation or a bad decode.
    case outlier
    /// No mid price (model could not price) or pool unknown.
    case unknown
}

/// One cached pool as handed to the engine: the exact model plus the cache's view of its freshness.
///
/// ```swift
/// let model = try SnapshotQuoter.pool(address: key, accounts: accounts)
/// engine.upsert(PoolSnapshot(model: model, status: .ok, slot: 431_198_953, updatedAtMs: 1_783_355_400_000))
/// ```
public struct PoolSnapshot: Sendable {
    public var model: any PoolModel
    public var status: PoolFreshness
    /// Slot the pool's state is known good at (its last update, or the last confirmation of it).
    public var slot: UInt64
    /// Unix time (ms) of that update.
    public var updatedAtMs: Int64
    /// Display name (e.g. "SOL/USDC (Raydium V4)"); the route uses the address.
    public var name: String?

    public init(model: any PoolModel, status: PoolFreshness = .ok, slot: UInt64, updatedAtMs: Int64, name: String? = nil) {
        self.model = model; self.status = status; self.slot = slot; self.updatedAtMs = updatedAtMs; self.name = name
    }

    public var address: Pubkey { model.address }
}

/// The caller's clock, passed in (the engine reads no clock): wall time, slot and epoch.
///
/// ```swift
/// let time = ScanTime(unixMs: 1_783_355_400_000, slot: 431_198_953)
/// let found = engine.scanAll(at: time)
/// ```
public struct ScanTime: Sendable, Equatable {
    public var unixMs: Int64
    public var slot: UInt64
    public var epoch: UInt64
    public init(unixMs: Int64, slot: UInt64, epoch: UInt64 = 0) { self.unixMs = unixMs; self.slot = slot; self.epoch = epoch }

    /// The quote context the programs would see (clock sysvar in whole seconds).
    public var quoteContext: QuoteContext {
        QuoteContext(now: unixMs >= 0 ? unixMs / 1000 : 0, epoch: epoch, slot: slot)
    }
}
