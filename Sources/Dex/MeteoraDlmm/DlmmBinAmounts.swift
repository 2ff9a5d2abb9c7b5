import PoolMath
import SolanaCore

/// Token amounts of one DLMM bin after a swap, and the Q64.64 price the program stores in it
/// (`get_or_store_bin_price`).
public struct DlmmBinAmounts: Sendable, Equatable {
    public var amountX: UInt64
    public var amountY: UInt64
    public var price: UInt128
    public init(amountX: UInt64, amountY: UInt64, price: UInt128) { self.amountX = amountX; self.amountY = amountY; self.price = price }
}
