import Cache
import Foundation
import GracefulStop
import Hummingbird
import HummingbirdCore
import NIOCore
import HummingbirdWebSocket
import Logging
import Persistence
import SolanaCore

/// The HTTP API: the original endpoints exactly (`/health`, `/prices`, `/prices/:pair`,
/// `/scan-arbitrage`), the `/v1` API, `/metrics` and the `/v1/stream` WebSocket, on Hummingbird.
/// It only reads the `PoolStore`; ingestion and arbitrage come in through two small protocols.
///
/// ```swift
/// let server = APIServer(store: store, settings: .init(port: 3001), ingest: engine, opportunities: arbitrage)
/// try await server.run { port in print("listening on \(port)") }     // until the task is cancelled
/// ```
public final class APIServer: Sendable {
    /// Listening address and request limits: the `[api]` section of the config.
    public typealias Settings = APISettings

    /// A config entry that was not loaded, shown by `/v1/health`.
    public struct ConfigNote: Sendable {
        public var entry: String
        public var address: String
        public var reason: String
        public init(entry: String, address: String, reason: String) { self.entry = entry; self.address = address; self.reason = reason }
    }

    let store: PoolStore
    let settings: Settings
    let ingest: (any IngestControl)?
    let opportunities: (any OpportunityProvider)?
    let persistence: (any PersistenceStore)?
    /// The account snapshots' view of the database (last success, failures), when persisting.
    let snapshots: AccountSnapshotter?
    let configNotes: [ConfigNote]
    let metrics: ServiceMetrics
    /// NATS publisher / follower links, for `/v1/health` and `/metrics`.
    let bus: (any BusStatusProvider)?
    let logger: Logger
    let startedAt = Date().timeIntervalSince1970
    let streamCount = ClientCount()
    let priceListing = PriceListing()
    let startupPhase = StartupPhase()
    /// One renderer of stream messages for all `/v1/stream` clients.
    let fanout: StreamFanout
    /// Rate bounds that let `/v1/quote` skip pools that cannot win.
    let quoteBounds = QuoteBounds()
    let clock: @Sendable () -> Double

    public init(
        store: PoolStore, settings: Settings = .init(), ingest: (any IngestControl)? = nil,
        opportunities: (any OpportunityProvider)? = nil, persistence: (any PersistenceStore)? = nil,
        snapshots: AccountSnapshotter? = nil, configNotes: [ConfigNote] = [], metrics: ServiceMetrics = ServiceMetrics(),
        logger: Logger = Logger(label: "api"), clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 },
        bus: (any BusStatusProvider)? = nil
    ) {
        self.bus = bus
        self.store = store; self.settings = settings; self.ingest = ingest; self.opportunities = opportunities
        fanout = StreamFanout(store: store, opportunities: opportunities, metrics: metrics, clock: clock)
        self.persistence = persistence; self.snapshots = snapshots; self.configNotes = configNotes; self.metrics = metrics; self.logger = logger;
        self.clock = clock
    }

    /// Builds the router (also used by tests through `run`).
    func makeRouter() -> Router<BasicWebSocketRequestContext> {
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.middlewares.add(MetricsMiddleware(metrics: metrics))
        router.middlewares.add(ErrorMiddleware(metrics: metrics))
        router.middlewares.add(LimitsMiddleware(maxURIBytes: settings.maxURIBytes, maxBodyBytes: settings.maxBodyBytes, metrics: metrics))
        if let token = settings.authToken, !token.isEmpty {
            router.middlewares.add(AuthMiddleware(token: Array(token.utf8), everyRoute: !settings.listensOnLoopbackOnly, metrics: metrics))
        }
        LegacyRoutes(store: store, settings: settings, opportunities: opportunities, priceListing: priceListing, clock: clock).register(on: router)
        PoolRoutes(store: store, settings: settings, ingest: ingest, logger: logger, clock: clock).register(on: router)
        QuoteRoutes(store: store, bounds: quoteBounds).register(on: router)
        SwapInstructionRoutes(store: store, metrics: metrics).register(on: router)
        DiscoveryRoutes(ingest: ingest).register(on: router)
        HealthRoutes(
            store: store, ingest: ingest, opportunities: opportunities, persistence: persistence, snapshots: snapshots, configNotes: configNotes,
            startedAt: startedAt,
            streamCount: streamCount, phase: startupPhase, clock: clock, bus: bus
        ).register(on: router)
        DashboardRoutes().register(on: router)
        OpportunityRoutes(opportunities: opportunities, persistence: persistence).register(on: router)
        StreamRoute(
            store: store, settings: settings, metrics: metrics, logger: logger, streamCount: streamCount, fanout: fanout, clock: clock
        ).register(on: router)
        router.get("/metrics") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(
                    byteBuffer: ByteBuffer(
                        string: self.metrics.render(store: self.store, ingest: self.ingest, snapshots: self.snapshots?.status(), bus: self.bus))))
        }
        router.get("/v1/openapi.json") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.bytes)))
        }
        return router
    }

    /// Serves until the surrounding task is cancelled. `onReady` receives the bound port (useful with port 0).
    public func run(onReady: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let router = makeRouter()
        let webSocketResponder = router.buildResponder()
        let metrics = self.metrics, logger = self.logger
        let bodyTimeout = TimeAmount.nanoseconds(Int64(settings.bodyTimeoutSeconds * 1e9))
        let channelConfig = HTTP1WebSocketUpgradeChannel.Configuration(
            http1: .init(
                additionalChannelHandlers: [
                    BodyDeadlineHandler(
                        timeout: bodyTimeout,
                        onTimeout: {
                            metrics.connectionTimeouts.increment(); logger.info("closed a connection: request body too slow")
                        }),
                    UnreadBodyCloser(
                        linger: .seconds(2),
                        onClose: {
                            logger.debug("answered before the request body ended: closing the connection")
                        }),
                ],
                idleTimeout: .nanoseconds(Int64(settings.idleTimeoutSeconds * 1e9)),
                httpDecoderConfiguration: .init(
                    maxHeaderFieldSize: settings.maxHeaderBytes, maxHeaderListSize: settings.maxHeaderBytes,
                    maxHeaderFieldCount: 200)),
            ws: .init(maxFrameSize: 16 * 1024))
        let headTimeout = TimeAmount.nanoseconds(Int64(settings.headerTimeoutSeconds * 1e9))
        let builder = HTTPServerBuilder { responder in
            HeadDeadlineChannel(
                base: HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: webSocketResponder, configuration: channelConfig),
                timeout: headTimeout,
                onTimeout: {
                    metrics.connectionTimeouts.increment()
                    logger.debug("closed a connection: no complete request head in time")
                },
                onParseError: {
                    metrics.rejected.increment()
                    logger.debug("answered 400 and closed: malformed HTTP request")
                })
        }
        let app = Application(
            router: router,
            server: builder,
            configuration: .init(
                address: .hostname(settings.host, port: settings.port), serverName: "solana-pool-cache",
                availableConnectionsDelegate: CountedConnectionLimit(limit: settings.maxConnections, metrics: metrics)),
            onServerRunning: { channel in await onReady(channel.localAddress?.port ?? 0) },
            logger: logger)
        do { try await GracefulStop.run([app], logger: logger) } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw ListenError(host: settings.host, port: settings.port)
        }
    }

    /// The API address is taken: said in the user's terms (which setting to change), not NIO's.
    public struct ListenError: Error, CustomStringConvertible {
        public let host: String, port: Int
        public var description: String {
            "cannot listen on \(host):\(port): the address is in use by another process (change [api] port in the config, or --port)"
        }
    }

    var now: Double { clock() }

    /// Parsed base58 key from a path or query value, or a 400 naming the parameter.
    static func pubkey(_ text: String?, _ name: String) throws -> Pubkey {
        guard let text, !text.isEmpty else { throw APIError.badParam(name, "missing") }
        guard text.utf8.count <= 64, let key = try? Pubkey(base58: text) else {
            throw APIError.badParam(name, "not a base58 public key")
        }
        return key
    }
}

/// A thread-safe counter (stream clients).
// @unchecked Sendable: `lock` guards value.
final class ClientCount: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func tryIncrement(limit: Int) -> Bool {
        lock.withLock {
            if value >= limit { return false }; value += 1; return true
        }
    }
    func decrement() { lock.withLock { value -= 1 } }
    func add(_ n: Int) { lock.withLock { value += n } }
    var current: Int { lock.withLock { value } }
}
