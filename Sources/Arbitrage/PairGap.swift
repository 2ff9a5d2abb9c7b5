import Dex
import PoolMath
import SolanaCore

/// The original `/scan-arbitrage` view of a two-pool round trip: the same pair priced by two pools,
/// in pool A's token order, exact.
public struct PairGap: Sendable, Equatable {
    public var poolA: Pubkey
    public var poolADex: DexKind
    /// Mid price, B per A in human units.
    public var poolAPrice: Ratio
    public var poolB: Pubkey
    public var poolBDex: DexKind
    /// Pool B's mid price in pool A's token order.
    public var poolBPrice: Ratio
    /// Display symbols, "SOL/USDC".
    public var pair: String
    /// (higher − lower) / lower × 100.
    public var priceDiffPercent: Ratio
    /// Net ROI of the round trip at its best size, percent (after fees, impact and transaction cost).
    public var estimatedProfitPercent: Ratio
    /// Age of the older pool's state.
    public var ageMs: Int64

    public init(
        poolA: Pubkey, poolADex: DexKind, poolAPrice: Ratio, poolB: Pubkey, poolBDex: DexKind, poolBPrice: Ratio, pair: String,
        priceDiffPercent: Ratio, estimatedProfitPercent: Ratio, ageMs: Int64
    ) {
        self.poolA = poolA; self.poolADex = poolADex; self.poolAPrice = poolAPrice; self.poolB = poolB; self.poolBDex = poolBDex
        self.poolBPrice = poolBPrice; self.pair = pair; self.priceDiffPercent = priceDiffPercent
        self.estimatedProfitPercent = estimatedProfitPercent; self.ageMs = ageMs
    }
}
