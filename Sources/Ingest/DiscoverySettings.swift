import Dex
import SolanaCore

/// `[discovery]`: follow every pool of the supported DEXes whose two mints are both in `mints`.
///
/// ```swift
/// var d = DiscoverySettings(mints: [KnownMints.wsol, KnownMints.usdc])
/// d.minReserveUSD = 10_000      // drop pools holding less than $10k
/// ```
public struct DiscoverySettings: Sendable, Equatable {
    public var mints: [Pubkey]
    /// Only these DEXes (nil: every registered one).
    public var dexes: Set<DexKind>?
    /// Pools whose reserves are worth less than this many US dollars are not followed. Valued from
    /// the cache's own pools (`ReserveValuation`); a pool whose reserves cannot be valued is kept.
    public var minReserveUSD: Double?
    /// How often discovery runs again: new pools are picked up, closed ones dropped.
    public var refreshSeconds: Double = 300
    /// Mints worth one dollar, where valuation starts.
    public var usdMints: Set<Pubkey> = [KnownMints.usdc, KnownMints.usdt]

    public init(mints: [Pubkey]) { self.mints = mints }
}
