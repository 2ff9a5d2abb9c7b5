import Arbitrage
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
    func scanLegacy(thresholdPct: Double?) -> [PairGap]
    /// Each new opportunity as it is found (a fresh stream per call; finishing it is the caller's choice).
    func opportunityUpdates() -> AsyncStream<Opportunity>
    /// The settings the search runs with, for `/v1/health` (nil: not known to this provider).
    func routerStatus() -> RouterStatus?
}

extension OpportunityProvider {
    public func routerStatus() -> RouterStatus? { nil }
}
