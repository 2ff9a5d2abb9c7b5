import Dex
import SolanaCore

/// A pool found by discovery: where it is, which DEX, its mints in the pool's own order.
public struct DiscoveredPool: Sendable, Equatable {
    public var address: Pubkey
    public var dex: DexKind
    public var mintA: Pubkey
    public var mintB: Pubkey
    public init(address: Pubkey, dex: DexKind, mintA: Pubkey, mintB: Pubkey) {
        self.address = address; self.dex = dex; self.mintA = mintA; self.mintB = mintB
    }
}
