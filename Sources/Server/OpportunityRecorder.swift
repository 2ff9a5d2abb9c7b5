import Arbitrage
import Foundation
import Logging
import Persistence
import SolanaCore

/// Writes every new opportunity to the database (the history `/v1/opportunities?history=true`
/// serves, kept across restarts), in small batches.
///
/// ```swift
/// Task { await OpportunityRecorder(provider: engine, database: db).run() }
/// ```
public struct OpportunityRecorder: Sendable {
    let provider: any OpportunityProvider
    let database: any PersistenceStore
    let metrics: ServiceMetrics?
    let logger: Logger

    public init(
        provider: any OpportunityProvider, database: any PersistenceStore, metrics: ServiceMetrics? = nil,
        logger: Logger = Logger(label: "persistence")
    ) {
        self.provider = provider; self.database = database; self.metrics = metrics; self.logger = logger
    }

    public static func record(_ o: Opportunity) -> OpportunityRecord {
        OpportunityRecord(
            detectedAt: Double(o.detectedAtMs) / 1000, slot: o.slot, inputMint: o.inputMint.base58, outputMint: o.outputMint.base58,
            roi: o.roiFraction.isFinite ? o.roiFraction : 0, json: OpportunityJSON.bot(o).rendered)
    }

    public func run() async {
        for await o in provider.opportunityUpdates() {
            let record = Self.record(o)
            // In its own task: on shutdown (this task cancelled) the write in progress completes
            // instead of being refused; the stream then ends.
            let database = self.database
            if case .failure(let error) = await Task(operation: { try await database.recordOpportunities([record]) }).result {
                metrics?.persistenceErrors.increment()
                logger.error("recording an opportunity failed: \(error)")
            }
        }
    }
}
