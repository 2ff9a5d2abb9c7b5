import SolanaCore

/// What the API asks of the arbitrage engine (`Arbitrage.ArbitrageEngine`, wired by the CLI):
/// current opportunities in the bot's shape, the original's same-pair scan, and a live feed.
///
/// ```swift
/// struct Engine: OpportunityProvider { … }
/// let server = APIServer(store: store, opportunities: Engine(), …)
/// ```
public protocol OpportunityProvider: Sendable {
    /// Opportunities currently standing, most profitable first.
    func currentOpportunities() -> [Opportunity]
    /// The original `/scan-arbitrage`: same-pair price differences of at least `thresholdPct` percent;
    /// nil (no `threshold_pct` in the request) = those whose net ROI reaches `router.min_roi_percent`.
    func scanLegacy(thresholdPct: Double?) -> [LegacyOpportunity]
    /// Each new opportunity as it is found (a fresh stream per call; finishing it is the caller's choice).
    func opportunityUpdates() -> AsyncStream<Opportunity>
    /// The settings the search runs with, for `/v1/health` (nil: not known to this provider).
    func routerStatus() -> RouterStatus?
}

extension OpportunityProvider {
    public func routerStatus() -> RouterStatus? { nil }
}

/// A round trip or cross-pool trade found with exact quotes, in the bot's shape.
///
/// ```swift
/// Opportunity(inputMint: sol, outputMint: sol, inputAmount: 1_000_000_000, outputAmount: 1_002_000_000,
///             route: [hop1, hop2], slot: 431_199_000, detectedAt: 1_783_355_400.5)
/// ```
public struct Opportunity: Sendable, Equatable {
    public struct Hop: Sendable, Equatable {
        public var pool: Pubkey
        public var dex: String
        public var inputMint: Pubkey
        public var outputMint: Pubkey
        public var inAmount: UInt64
        public var outAmount: UInt64
        public init(pool: Pubkey, dex: String, inputMint: Pubkey, outputMint: Pubkey, inAmount: UInt64, outAmount: UInt64) {
            self.pool = pool; self.dex = dex; self.inputMint = inputMint; self.outputMint = outputMint
            self.inAmount = inAmount; self.outAmount = outAmount
        }
    }
    public var inputMint: Pubkey
    public var outputMint: Pubkey
    public var inputAmount: UInt64
    public var outputAmount: UInt64
    /// outputAmount − inputAmount for round trips (may be negative for display of near misses).
    public var profit: Int64
    /// profit / input, as a fraction (0.002 = 0.2 %).
    public var roi: Double
    public var route: [Hop]
    public var slot: UInt64
    /// Unix seconds (fractional).
    public var detectedAt: Double

    public init(inputMint: Pubkey, outputMint: Pubkey, inputAmount: UInt64, outputAmount: UInt64, profit: Int64? = nil,
                roi: Double? = nil, route: [Hop], slot: UInt64, detectedAt: Double) {
        self.inputMint = inputMint; self.outputMint = outputMint; self.inputAmount = inputAmount; self.outputAmount = outputAmount
        let p = profit ?? (Int64(clamping: outputAmount) &- Int64(clamping: inputAmount))
        self.profit = p
        self.roi = roi ?? (inputAmount == 0 ? 0 : Double(p) / Double(inputAmount))
        self.route = route; self.slot = slot; self.detectedAt = detectedAt
    }
}

/// One row of the original `/scan-arbitrage` answer (field names as the original client reads them).
public struct LegacyOpportunity: Sendable, Equatable {
    public var poolAId: String
    public var poolADex: String
    public var poolAPrice: Double
    public var poolBId: String
    public var poolBDex: String
    public var poolBPrice: Double
    public var pair: String
    public var priceDiffPct: Double
    public var estimatedProfitPct: Double
    public var ageMs: Int
    public init(poolAId: String, poolADex: String, poolAPrice: Double, poolBId: String, poolBDex: String, poolBPrice: Double,
                pair: String, priceDiffPct: Double, estimatedProfitPct: Double, ageMs: Int) {
        self.poolAId = poolAId; self.poolADex = poolADex; self.poolAPrice = poolAPrice; self.poolBId = poolBId
        self.poolBDex = poolBDex; self.poolBPrice = poolBPrice; self.pair = pair; self.priceDiffPct = priceDiffPct
        self.estimatedProfitPct = estimatedProfitPct; self.ageMs = ageMs
    }
}
