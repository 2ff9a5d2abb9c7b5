/// The effective `[router]` settings and what they gave: shown by `/v1/health` under `router`.
public struct RouterStatus: Sendable, Equatable {
    /// `router.mode` as configured; `modeApplied` false = it selects nothing (warned at start).
    public var mode: String
    public var modeApplied: Bool
    /// Reported opportunities have a net ROI (profit / input, percent) of at least this.
    public var minROIPercent: Double
    public var maxHops: Int
    /// Mint cycles searched per length in hops, as of the last full scan (nil before the first).
    public var cyclesByHops: [Int: Int]?
    /// True when the mint graph had more cycles than the engine indexes (the longest were left out).
    public var cyclesTruncated: Bool
    public init(mode: String, modeApplied: Bool, minROIPercent: Double, maxHops: Int, cyclesByHops: [Int: Int]?, cyclesTruncated: Bool) {
        self.mode = mode; self.modeApplied = modeApplied; self.minROIPercent = minROIPercent; self.maxHops = maxHops
        self.cyclesByHops = cyclesByHops; self.cyclesTruncated = cyclesTruncated
    }
}
