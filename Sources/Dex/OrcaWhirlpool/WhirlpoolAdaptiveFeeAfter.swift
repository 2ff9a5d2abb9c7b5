import PoolMath
import SolanaCore

/// Orca Whirlpool oracle `AdaptiveFeeVariables` after a swap.
public struct WhirlpoolAdaptiveFeeAfter: Sendable, Equatable {
    public var lastReferenceUpdateTimestamp: UInt64
    public var lastMajorSwapTimestamp: UInt64
    public var volatilityReference: UInt32
    public var tickGroupIndexReference: Int32
    public var volatilityAccumulator: UInt32
}
