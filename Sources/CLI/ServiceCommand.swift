import Arbitrage
import Cache
import Config
import Dispatch
import Foundation
import Ingest
import Logging
import Persistence
import RPC
import Server
import SolanaCore

/// `solana-pool-cache run config.toml` (and the original's positional `solana-pool-cache config.toml`):
/// load and validate the config, open persistence, warm-start, start ingestion and the API.
enum ServiceCommand {
    static func run(path: String) async throws {
        let logger = Logger(label: "solana-pool-cache")
        let config: ServiceConfig
        do { config = try ConfigLoader.load(path: path) } catch let e as ConfigError {
            throw CommandError.bad(e.description)
        }
        for key in config.unknownKeys { logger.warning("config: unknown key \(key) ignored") }
        for key in config.unusedKeys { logger.warning("config: \(key)") }
        print("config \(path): \(config.pools.count) pools accepted, \(config.rejectedPools.count) rejected")
        for r in config.rejectedPools { print("  rejected \(r)") }
        for e in config.ingest.endpoints { print("  endpoint \(Redact.url(e.websocketURL)) (http \(Redact.url(e.httpURL)))") }
        if let p = config.ingest.proxy { print("  proxy \(p.kind.rawValue)://\(p.host):\(p.port)") }

        let store = PoolStore()
        for p in config.pools { store.addPool(p) }
        let database = try await openPersistence(config.persistence, logger: logger)
        var snapshotter: AccountSnapshotter?
        if let database, config.persistence.recordAccounts {
            let s = AccountSnapshotter(store: store, database: database, logger: logger)
            let warm = try await s.warmStart()
            print("warm start: \(warm.accountsLoaded) accounts, \(warm.poolsPriced) pools priced (stale until live resync)")
            snapshotter = s
        }
        try await serve(store: store, ingestConfig: config.ingest, api: config.api, router: config.router, database: database,
                        recordOpportunities: config.persistence.recordOpportunities, snapshotter: snapshotter,
                        snapshotInterval: config.persistence.snapshotIntervalSeconds,
                        notes: config.rejectedPools.map { .init(entry: "pools[\($0.index)]", address: $0.address, reason: $0.reason) },
                        logger: logger, announce: { port in
                            print("API on http://\(config.api.host):\(port)  (GET /health, /prices, /v1/pools, /v1/health; Ctrl-C stops)")
                        })
    }

    static func openPersistence(_ settings: PersistenceSettings, logger: Logger) async throws -> (any PersistenceStore)? {
        let db: any PersistenceStore
        switch settings.backend {
        case .disabled: return nil
        case .sqlite(let path): db = try SQLiteStore(path: path)
        case .postgres(let url): db = try PostgresStore(url: url, logger: logger)
        }
        do {
            let version = try await db.migrate()
            logger.info("database \(db.backendName) ready, schema v\(version)")
        } catch {
            await db.close()
            throw CommandError.bad("database.\(db.backendName == "postgres" ? "url" : "path"): \(error)")
        }
        return db
    }

    /// Runs ingestion, the API, snapshots and the opportunity recorder until Ctrl-C / SIGTERM.
    static func serve(store: PoolStore, ingestConfig: IngestConfig, api: APISettings, router: RouterSettings,
                      database: (any PersistenceStore)?, recordOpportunities: Bool, snapshotter: AccountSnapshotter?, snapshotInterval: Double,
                      notes: [APIServer.ConfigNote], logger: Logger, announce: @escaping @Sendable (Int) -> Void,
                      extra: (@Sendable () async throws -> Void)? = nil) async throws {
        let ingestion = startIngestion(store: store, config: ingestConfig, logger: logger)
        let arbitrage = startArbitrage(store: store, router: router, logger: logger)
        let metrics = ServiceMetrics()
        let server = APIServer(store: store, settings: api, ingest: ingestion.control, opportunities: arbitrage?.provider,
                               persistence: database, configNotes: notes, metrics: metrics, logger: logger)
        let main = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.run { port in announce(port) } }
                // The engines run in their own tasks: forward cancellation (Ctrl-C) to them.
                for t in [ingestion.task, arbitrage?.task].compactMap({ $0 }) {
                    group.addTask { try await withTaskCancellationHandler { try await t.value } onCancel: { t.cancel() } }
                }
                if let snapshotter { group.addTask { await snapshotter.run(every: snapshotInterval) } }
                if let database, recordOpportunities, let provider = arbitrage?.provider {
                    group.addTask { await OpportunityRecorder(provider: provider, database: database, metrics: metrics, logger: logger).run() }
                }
                group.addTask { await startupReport(store: store, logger: logger) }
                group.addTask { await HeapTrim.run(every: 5, logger: logger) }
                if let extra { group.addTask { try await extra() } }
                // The first failure (say, the API port is taken) ends the service with that error;
                // waitForAll() would keep ingestion running with no API and report nothing.
                for try await _ in group {}
            }
        }
        let sources = stopOnSignals { main.cancel() }
        defer { sources.forEach { $0.cancel() } }
        var failure: Error?
        do { try await main.value } catch is CancellationError {} catch { failure = error }
        // Ordered stop (also after a failure): ingestion first and waited for, so no update lands
        // after the final snapshot; then the snapshot; then the database.
        ingestion.task?.cancel(); arbitrage?.task?.cancel()
        _ = await ingestion.task?.result
        _ = await arbitrage?.task?.result
        if let snapshotter {
            do {
                let committed = try await snapshotter.finalFlush()
                print("shutdown: snapshot committed, \(committed.accounts) accounts up to slot \(committed.highestSlot)")
            } catch {
                logger.error("shutdown: final account snapshot failed: \(error)")
            }
        }
        await database?.close()
        if let failure { throw failure }
        print("stopped")
    }

    /// After validation settles (no pool pending, or 20 s), one line per pool that is not ok,
    /// so dead or mislabelled config entries are visible at start.
    static func startupReport(store: PoolStore, logger: Logger) async {
        for _ in 0..<40 {
            if Task.isCancelled { return }
            if !store.entries().contains(where: { $0.status == .pending }) { break }
            try? await Task.sleep(for: .milliseconds(500))
        }
        let entries = store.entries()
        let ok = entries.filter { $0.status == .ok || $0.status == .stale }.count
        print("pools: \(ok) of \(entries.count) priced")
        for e in entries where !(e.status == .ok || e.status == .stale) {
            print("  pool \(e.address) \(e.config.name.map { "(\($0)) " } ?? ""): \(e.status)")
        }
    }

    static func stopOnSignals(_ stop: @escaping @Sendable () -> Void) -> [DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { sig -> DispatchSourceSignal in
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig)
            s.setEventHandler(handler: stop)
            s.resume()
            return s
        }
    }
}
