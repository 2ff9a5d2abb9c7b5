import Arbitrage
import Cache
import GeyserSource
import Ingest
import Logging
import NATSSync
import Persistence
import Server
import ServiceLifecycle
import UnixSignals

/// What `CacheApplication` is built from. A nil part is left out (the bench runs ingest alone).
public struct ApplicationSettings: Sendable {
    public var store: PoolStore
    /// Live ingestion; nil: none (the store serves what it holds).
    public var ingest: IngestConfig?
    /// Where ingestion reads from; nil: the JSON-RPC + PubSub source of `ingest`.
    public var source: (any AccountSource)?
    /// `[discovery]`: pools followed by their mints, found and refreshed by the engine.
    public var discovery: DiscoverySettings?
    /// `[yellowstone]`: when set (and `source` is nil), accounts stream over Yellowstone gRPC;
    /// the JSON-RPC endpoints of `ingest` still serve the snapshot reads.
    public var yellowstone: YellowstoneConfig?
    /// `[nats]`: publish this cache's state to a NATS JetStream cluster (`publish`), or take
    /// every account from it instead of RPC (`follow`, when `source` is nil).
    public var nats: NATSSettings?
    /// The HTTP API; nil: none.
    public var api: APISettings?
    /// The arbitrage engine; nil: none.
    public var router: RouterSettings?
    /// Opportunities the API serves when there is no `router` (tests' fakes, the bench's fixed set).
    public var opportunities: (any OpportunityProvider)?
    /// What the API shows as ingestion when there is no `ingest` (tests' stand-ins).
    public var ingestControl: (any IngestControl)?
    /// The API's metrics registry (default: a new one); shared when a caller reads it directly.
    public var metrics: ServiceMetrics?
    /// Opened and migrated by the caller; closed by the application, last.
    public var database: (any PersistenceStore)?
    public var recordOpportunities = false
    /// Warm-started by the caller; flushed every `snapshotInterval` and once more at shutdown.
    public var snapshotter: AccountSnapshotter?
    public var snapshotInterval: Double = 5
    public var notes: [APIServer.ConfigNote] = []
    public var logger: Logger
    public var heapTrim = true
    public var startupReport = true
    /// Signals that start the graceful shutdown (tests pass none and call `triggerGracefulShutdown`).
    public var signals: [UnixSignal] = [.sigterm, .sigint]
    /// Called with the API's bound port (useful with port 0).
    public var onListening: @Sendable (Int) async -> Void = { _ in }
    /// Where the startup report and the shutdown lines go (stdout by default).
    public var output: @Sendable (String) -> Void = { print($0) }
    /// More parts (the demo's progress lines), stopped right after ingest.
    public var tasks: [TaskService] = []

    public init(
        store: PoolStore, ingest: IngestConfig? = nil, api: APISettings? = nil, router: RouterSettings? = nil,
        logger: Logger = Logger(label: "solana-pool-cache")
    ) {
        self.store = store; self.ingest = ingest; self.api = api; self.router = router; self.logger = logger
    }
}
