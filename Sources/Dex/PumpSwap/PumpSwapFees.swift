import PoolMath
import SolanaCore

/// PumpSwap fee rates in basis points.
public struct PumpSwapFees: Sendable, Equatable {
    public var lpFeeBps: UInt64, protocolFeeBps: UInt64, creatorFeeBps: UInt64
}
