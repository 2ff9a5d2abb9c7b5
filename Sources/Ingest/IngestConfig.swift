import Foundation
import RPC

/// Where and how to connect: the contract between the config file (service) and the
/// ingestion engine. Secrets (keys in URLs, proxy passwords) arrive here already resolved from
/// the environment, never from the repo.
public struct IngestConfig: Sendable, Equatable {
    public struct Endpoint: Sendable, Equatable {
        /// PubSub WebSocket URL (`ws://` or `wss://`).
        public var websocketURL: String
        /// JSON-RPC HTTP URL; default derived from the WebSocket URL (`wss` → `https`, `ws` → `http`).
        public var httpURL: String
        /// Requests per second allowed on this endpoint's HTTP side (token bucket).
        public var requestsPerSecond: Double
        public init(websocketURL: String, httpURL: String? = nil, requestsPerSecond: Double = 10) {
            self.websocketURL = websocketURL
            self.httpURL = httpURL ?? Self.derivedHTTP(from: websocketURL)
            self.requestsPerSecond = requestsPerSecond
        }
        public static func derivedHTTP(from ws: String) -> String {
            if ws.hasPrefix("wss://") { return "https://" + ws.dropFirst(6) }
            if ws.hasPrefix("ws://") { return "http://" + ws.dropFirst(5) }
            return ws
        }
    }

    public var endpoints: [Endpoint]
    /// `processed` or `confirmed` (default); never the server default `finalized`.
    public var commitment: String = "confirmed"
    /// Every connection (WebSocket and HTTP) tunnels through this proxy when set.
    public var proxy: ProxySettings?
    public var maxSubscriptionsPerConnection = 100
    public var pingIntervalSeconds: Double = 10
    /// A connection silent for longer than this is declared dead and replaced.
    public var silenceDeadlineSeconds: Double = 30
    public var connectTimeoutSeconds: Double = 10
    public var requestTimeoutSeconds: Double = 10
    public var backoffInitialSeconds: Double = 0.25
    public var backoffMaxSeconds: Double = 30
    /// A pool with no update for this long is re-read with `getMultipleAccounts`; when that
    /// fails too (or its connection has been down that long) it is marked `stale`.
    public var staleAfterSeconds: Double = 120
    /// Consecutive failed connects/disconnects on one endpoint before a connection fails over to the next.
    public var failoverAfterFailures = 3
    /// PEM file of extra trusted CA certificates for `wss://`/`https://` (private CAs, tests); nil = system roots.
    public var tlsCAFile: String?
    /// How accounts are subscribed: one `accountSubscribe` each, a few `programSubscribe`s per DEX,
    /// or per DEX by the number of its followed accounts (`auto`, see `SubscriptionPlanner`).
    public var mode: IngestMode = .auto
    /// Most WebSocket connections over all endpoints (0: no limit). Subscriptions that do not fit
    /// are polled over HTTP instead, with a warning.
    public var maxConnections = 0

    public init(endpoints: [Endpoint]) { self.endpoints = endpoints }
}

/// `[ingest] mode`.
public enum IngestMode: String, Sendable, Equatable, CaseIterable {
    /// `program` for each DEX with at least a connection's worth of followed accounts, else `accounts`.
    case auto
    /// One `accountSubscribe` per followed account (the original behaviour).
    case accounts
    /// `programSubscribe` with filters for pools, tick/bin arrays and vaults that share an owner.
    case program
}
