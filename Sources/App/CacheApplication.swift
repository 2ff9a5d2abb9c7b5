import Arbitrage
import Cache
import GeyserSource
import Ingest
import Logging
import NATSSync
import Server
import ServiceLifecycle

/// The process as one `ServiceGroup`, used by `run`, `demo`, the bench and the tests.
///
/// ServiceGroup starts the services together and shuts them down one at a time in reverse list
/// order, each after the previous one has finished. The list is therefore: database, snapshots,
/// heap trim, API, recorder, arbitrage, NATS publisher, extra tasks, ingest — so a shutdown stops
/// ingest first, then the publisher, arbitrage and the recorder, then the API, then the final
/// snapshot, then closes the database. A service that throws (the API's port is taken) shuts the group down in the same
/// order and `run()` throws that error.
///
/// ```swift
/// var settings = ApplicationSettings(store: store, ingest: config.ingest, api: config.api, router: config.router)
/// let app = CacheApplication(settings)
/// try await app.run()        // until SIGINT / SIGTERM or `triggerGracefulShutdown()`
/// ```
public final class CacheApplication: Sendable {
    public let store: PoolStore
    public let ingest: IngestEngine?
    public let arbitrage: ArbitrageService?
    public let server: APIServer?
    public let metrics: ServiceMetrics
    /// `[nats] publish`: the shard publisher; `[nats] follow`: the follower source.
    public let publisher: NATSPublisher?
    public let follower: NATSAccountSource?
    /// In list order (see the type's comment).
    public let services: [any Service]
    let group: ServiceGroup

    public init(_ s: ApplicationSettings) {
        store = s.store
        let logger = s.logger
        var engine: IngestEngine?
        var follower: NATSAccountSource?
        if let config = s.ingest {
            do {
                if s.source == nil, let nats = s.nats, nats.follow { follower = try NATSAccountSource(settings: nats, logger: logger) }
                let source: (any AccountSource)? =
                    try s.source ?? follower ?? s.yellowstone.map { try GeyserAccountSource(config: $0, ingest: config, logger: logger) }
                engine =
                    try source.map { IngestEngine(store: s.store, config: config, source: $0, discovery: s.discovery, logger: logger) }
                    ?? IngestEngine(store: s.store, config: config, discovery: s.discovery, logger: logger)
            } catch {
                // A config the engine cannot work with: keep serving what the store holds (warm start).
                logger.error("live ingestion cannot start: \(error)")
            }
        }
        // `max_hops` is validated by the config loader.
        let arbitrage = s.router.map { ArbitrageService(store: s.store, config: ArbitrageConfig(maxHops: $0.maxHops), router: $0, logger: logger) }
        let metrics = s.metrics ?? ServiceMetrics()
        var publisher: NATSPublisher?
        if let nats = s.nats, nats.publish {
            do { publisher = try NATSPublisher(settings: nats, store: s.store, opportunities: arbitrage, logger: logger) } catch {
                logger.error("nats: the publisher cannot start: \(error)")
            }
        }
        let links: [any BusStatusProvider] = [publisher as (any BusStatusProvider)?, follower].compactMap { $0 }
        let bus: (any BusStatusProvider)? = links.isEmpty ? nil : BusLinks(links: links)
        let server = s.api.map {
            APIServer(
                store: s.store, settings: $0, ingest: engine ?? s.ingestControl, opportunities: arbitrage ?? s.opportunities,
                persistence: s.database, snapshots: s.snapshotter, configNotes: s.notes, metrics: metrics, logger: logger, bus: bus)
        }
        (ingest, self.arbitrage, self.server, self.metrics) = (engine, arbitrage, server, metrics)
        (self.publisher, self.follower) = (publisher, follower)

        var list: [any Service] = []
        if let database = s.database { list.append(DatabaseService(database: database)) }
        if let snapshotter = s.snapshotter {
            list.append(SnapshotService(snapshotter: snapshotter, every: s.snapshotInterval, logger: logger, output: s.output))
        }
        if s.heapTrim { list.append(TaskService("heap trim") { await HeapTrim.run(every: 5, logger: logger) }) }
        if let server { list.append(APIService(server: server, onReady: s.onListening)) }
        if let database = s.database, s.recordOpportunities, let arbitrage {
            list.append(RecorderService(recorder: OpportunityRecorder(provider: arbitrage, database: database, metrics: metrics, logger: logger)))
        }
        if let arbitrage { list.append(arbitrage) }
        if let publisher { list.append(NATSService(publisher: publisher)) }
        if s.startupReport {
            let store = s.store, output = s.output
            list.append(TaskService("startup report") { await StartupReport.run(store: store, output: output) })
        }
        list += s.tasks
        if let engine { list.append(IngestService(engine: engine)) }
        services = list

        // Every service, on ending or failing, shuts the group down in order (never a plain cancel,
        // which would stop everything at once and race the final snapshot).
        var config = ServiceGroupConfiguration(
            services: list.map {
                .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup)
            },
            gracefulShutdownSignals: s.signals, logger: logger)
        // Bounded: a part that ignores its shutdown is cancelled after this.
        config.maximumGracefulShutdownDuration = Duration.seconds(20)
        config.maximumCancellationDuration = Duration.seconds(5)
        group = ServiceGroup(configuration: config)
    }

    /// Runs every service until a signal, `triggerGracefulShutdown()` or a failure; throws the first service error.
    public func run() async throws { try await group.run() }

    public func triggerGracefulShutdown() async { await group.triggerGracefulShutdown() }
}
