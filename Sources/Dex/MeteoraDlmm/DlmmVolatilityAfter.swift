import PoolMath
import SolanaCore

/// DLMM `v_parameters` after a swap (volatility accumulator, references, last update).
public struct DlmmVolatilityAfter: Sendable, Equatable {
    public var volatilityAccumulator: UInt32
    public var volatilityReference: UInt32
    public var indexReference: Int32
    public var lastUpdateTimestamp: Int64
}
