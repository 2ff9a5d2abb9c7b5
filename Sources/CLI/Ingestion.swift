import Cache
import Ingest
import Logging
import Server

/// INTEGRATION POINT — the one place the service starts live ingestion.
///
/// The integrator replaces the body with:
/// ```swift
/// let engine = IngestEngine(store: store, config: config, logger: logger)
/// return (engine, Task { try await engine.run() })
/// ```
/// Until then the service runs without live ingestion: the API serves what is in the store
/// (warm-started from the database when persistence is on) and `/v1/health` shows no connections.
func startIngestion(store: PoolStore, config: IngestConfig, logger: Logger) -> (control: (any IngestControl)?, task: Task<Void, Error>?) {
    do {
        let engine = try IngestEngine(store: store, config: config, logger: logger)
        return (engine, Task { try await engine.run() })
    } catch {
        logger.error("live ingestion not started: \(error)")
        return (nil, nil)
    }
}

/// INTEGRATION POINT — the arbitrage engine (`Arbitrage.ArbitrageEngine`) adapted to `OpportunityProvider`.
/// Returns nil until wired: `/v1/opportunities` answers 503 and `/scan-arbitrage` an empty list.
func startArbitrage(store: PoolStore, minROIPercent: Double, maxHops: Int, logger: Logger) -> (provider: any OpportunityProvider, task: Task<Void, Error>?)? {
    nil
}
