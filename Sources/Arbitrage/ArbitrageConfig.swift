import Dex
import SolanaCore

/// What the arbitrage engine searches and what it accepts: start tokens, cycle length, trade size
/// limits, transaction cost and freshness limits. Integers only (bps, lamports, base units).
///
/// ```swift
/// var config = ArbitrageConfig()                       // SOL, USDC, USDT; up to 3 hops
/// config.maxHops = 6                                   // 2…6 (supportedMaxHops)
/// config.maxInput[KnownMints.wsol] = 50_000_000_000    // at most 50 SOL per cycle
/// let engine = ArbitrageEngine(config: config)
/// ```
public struct ArbitrageConfig: Sendable {
    /// Cycles start and end at these mints (the bot's strategy: SOL → USDC/USDT → SOL).
    public var startMints: [Pubkey]
    /// Longest cycle, in swaps. 2 = direct round trips across two pools of one pair. Values in
    /// `supportedMaxHops` are what the service accepts (`router.max_hops`); below 2 nothing is searched.
    public var maxHops: Int
    /// Cycle lengths the search is built and measured for (`ScanCostTests`): the original's sample
    /// config uses 6. Longer cycles multiply the mint cycles (and the quotes per size search).
    public static let supportedMaxHops = 2...6
    /// At most this many mint cycles are indexed, shortest first: on a dense mint graph the number of
    /// 5- and 6-hop cycles grows with the fourth and fifth power of the mints. `Int.max` = no cap.
    public var maxCycles: Int
    /// Largest input tried per start mint, in its base units. Start mints without an entry are skipped.
    public var maxInput: [Pubkey: UInt64]
    /// Cost of sending the transaction (base fee + priority fee), in lamports; converted into the
    /// start mint at the cache's own SOL price and subtracted from every profit.
    public var txCostLamports: UInt64
    /// Smallest net profit worth reporting, in lamports (converted like the transaction cost). A
    /// cycle is reported only when its net profit is positive and at least this.
    public var minProfitLamports: UInt64
    /// Pools whose last update is older than this are left out.
    public var maxAgeMs: Int64
    /// A cycle is skipped when its pools' slots differ by more than this.
    public var maxSlotSpread: UInt64
    /// A pool's mid price is an outlier when it is more than this far (basis points) from the
    /// median mid price of the healthy pools of the same pair.
    public var outlierThresholdBps: UInt64
    /// Leave outlier pools out of cycles (they are always flagged in `priceStatus`).
    public var skipOutliers: Bool
    /// Period of the safety-net full scan (the original scanned every 5 s).
    public var fullScanIntervalMs: Int64
    /// At most this many opportunities per answer, best first.
    public var maxResults: Int
    /// Budget of size searches per mint cycle and call, spent on pool combinations in order of
    /// their rate bound (best first). With hundreds of pools on one pair a dislocated pool can
    /// trade against every other one; this caps the work. `Int.max` searches every combination
    /// that survives pruning (what the brute-force tests compare against).
    public var maxSearchesPerCycle: Int
    /// Budget of size searches for one `changed` call, shared by all the cycles through the pool
    /// and spent on the combinations with the best rate-bound product first: a pool on a busy
    /// pair sits in hundreds of cycles, and one update must not cost hundreds of searches. The
    /// periodic full scan still searches up to `maxSearchesPerCycle` per cycle. `Int.max` = no cap.
    public var maxSearchesPerChange: Int

    public init(
        startMints: [Pubkey] = [KnownMints.wsol, KnownMints.usdc, KnownMints.usdt],
        maxHops: Int = 3,
        maxInput: [Pubkey: UInt64] = [
            KnownMints.wsol: 100_000_000_000, KnownMints.usdc: 10_000_000_000,
            KnownMints.usdt: 10_000_000_000,
        ],
        txCostLamports: UInt64 = 5_000 + 10_000,
        minProfitLamports: UInt64 = 0,
        maxAgeMs: Int64 = 60_000,
        maxSlotSpread: UInt64 = 150,
        outlierThresholdBps: UInt64 = 1_000,
        skipOutliers: Bool = false,
        fullScanIntervalMs: Int64 = 5_000,
        maxResults: Int = 100,
        maxSearchesPerCycle: Int = 32,
        maxSearchesPerChange: Int = 8,
        maxCycles: Int = 100_000
    ) {
        self.startMints = startMints
        self.maxHops = maxHops
        self.maxInput = maxInput
        self.txCostLamports = txCostLamports
        self.minProfitLamports = minProfitLamports
        self.maxAgeMs = maxAgeMs
        self.maxSlotSpread = maxSlotSpread
        self.outlierThresholdBps = outlierThresholdBps
        self.skipOutliers = skipOutliers
        self.fullScanIntervalMs = fullScanIntervalMs
        self.maxResults = maxResults
        self.maxSearchesPerCycle = max(1, maxSearchesPerCycle)
        self.maxSearchesPerChange = max(1, maxSearchesPerChange)
        self.maxCycles = max(0, maxCycles)
    }
}
