/// `[router]`: the original's arbitrage settings, passed to the arbitrage engine.
public struct RouterSettings: Sendable, Equatable {
    /// `fast`, `complete` or `hybrid`: validated and reported, but it selects nothing (see `modeIgnoredReason`).
    public var mode = "complete"
    /// Opportunities with a net ROI below this (percent of the input) are not reported.
    public var minROIPercent = 0.3
    /// Longest arbitrage cycle, in swaps.
    public var maxHops = 3
    /// `router.max_hops` values accepted: what the cycle search supports.
    public static let supportedMaxHops = ArbitrageConfig.supportedMaxHops
    public static let modeIgnoredReason =
        "read but not used: there is one search strategy (every cycle up to max_hops, each size-optimised on exact quotes)"
    public init(mode: String = "complete", minROIPercent: Double = 0.3, maxHops: Int = 3) {
        self.mode = mode; self.minROIPercent = minROIPercent; self.maxHops = maxHops
    }
}
