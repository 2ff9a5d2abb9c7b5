import App
import Arbitrage
import Cache
import Config
import Foundation
import Ingest
import Logging
import Persistence
import RPC
import Server
import Soak
import SolanaCore

/// `solana-pool-cache run config.toml` (and the original's positional `solana-pool-cache config.toml`):
/// load and validate the config, open persistence, warm-start, start ingestion and the API.
enum ServiceCommand {
    static func run(path: String, authToken: String? = nil) async throws {
        let logger = Logger(label: "solana-pool-cache")
        let config: ServiceConfig
        do { config = try ConfigLoader.load(path: path, authToken: authToken) } catch let e as ConfigError {
            throw CommandError.bad(e.description)
        }
        for key in config.unknownKeys { logger.warning("config: unknown key \(key) ignored") }
        for key in config.unusedKeys { logger.warning("config: \(key)") }
        print("config \(path): \(config.pools.count) pools accepted, \(config.rejectedPools.count) rejected")
        for r in config.rejectedPools { print("  rejected \(r)") }
        for e in config.ingest.endpoints { print("  endpoint \(Redact.url(e.websocketURL)) (http \(Redact.url(e.httpURL)))") }
        if let p = config.ingest.proxy { print("  proxy \(p.kind.rawValue)://\(p.host):\(p.port)") }
        if let n = config.nats {
            let role =
                n.publish
                ? "shard \(n.shard)" + (n.shardOf.map { " (\($0): \(config.poolsOnOtherShards) pools left to other shards)" } ?? "") : "follower"
            print("  nats \(role) via \(n.urls.joined(separator: ", "))")
        }

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
        var settings = ApplicationSettings(store: store, ingest: config.ingest, api: config.api, router: config.router, logger: logger)
        settings.yellowstone = config.yellowstone
        settings.nats = config.nats
        settings.database = database
        settings.discovery = config.discovery
        settings.recordOpportunities = config.persistence.recordOpportunities
        settings.snapshotter = snapshotter
        settings.snapshotInterval = config.persistence.snapshotIntervalSeconds
        settings.notes = config.rejectedPools.map { .init(entry: "pools[\($0.index)]", address: $0.address, reason: $0.reason) }
        settings.onListening = { port in
            print("API on http://\(config.api.host):\(port)  (GET /health, /prices, /v1/pools, /v1/health; Ctrl-C stops)")
            print("dashboard: http://\(config.api.host):\(port)/")
            // Flushed: with `api.port = 0` a supervisor reading a pipe or file learns the port from this line.
            fflush(stdout)
        }
        try await serve(settings)
    }

    static func openPersistence(_ settings: PersistenceSettings, logger: Logger) async throws -> (any PersistenceStore)? {
        let db: any PersistenceStore
        switch settings.backend {
        case .disabled: return nil
        case .sqlite(let path):
            do { db = try SQLiteStore(path: path) } catch { throw CommandError.bad("database.path: cannot open \(path): \(error)") }
        case .postgres(let url):
            do { db = try PostgresStore(url: url, logger: logger) } catch { throw CommandError.bad("database.url: \(error)") }
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

    /// Runs the application until SIGINT / SIGTERM (graceful, ordered shutdown: see `CacheApplication`).
    /// A database opened before it is closed by it, also when it fails.
    static func serve(_ settings: ApplicationSettings) async throws {
        try await CacheApplication(settings).run()
        print("stopped")
    }
}
