/// `[api]`: where and how the HTTP API listens, with request limits.
public struct APISettings: Sendable, Equatable {
    public var host = "127.0.0.1"
    public var port = 3001
    /// Largest accepted request body (POST /scan-arbitrage, POST /v1/pools).
    public var maxBodyBytes = 64 * 1024
    /// Largest accepted path + query string.
    public var maxURIBytes = 4 * 1024
    /// Concurrent connections accepted; more wait in the listen backlog.
    public var maxConnections = 256
    /// Concurrent `/v1/stream` WebSocket clients.
    public var maxStreamClients = 64
    /// Largest request head (request line + headers).
    public var maxHeaderBytes = 16 * 1024
    /// A new connection must send a complete request head within this time (idle/slowloris clients).
    public var headerTimeoutSeconds = 10.0
    /// A request body must finish arriving within this time of its head.
    public var bodyTimeoutSeconds = 30.0
    /// Keep-alive connections silent for this long are closed.
    public var idleTimeoutSeconds = 60.0
    /// A `/v1/stream` client that accepts no message for this long (stopped reading) is dropped.
    public var streamWriteTimeoutSeconds = 10.0
    /// Pools `POST /v1/pools` may add at run time (quote work stays bounded by `QuoteFinder.maxFirstHops`).
    public var maxPoolsAddedAtRuntime = 10_000
    /// `auth_token`: with it, mutating routes (and every route but `/health` on a non-loopback
    /// host) need `Authorization: Bearer <token>`. From the environment only (`"${SPC_API_TOKEN}"`).
    public var authToken: String?
    /// Listen on a non-loopback host without a token (must be set explicitly).
    public var allowUnauthenticated = false

    /// True when `host` is a loopback address (only this machine can connect).
    public var listensOnLoopbackOnly: Bool {
        let h = host.lowercased()
        return h == "localhost" || h == "::1" || h == "[::1]" || h.hasPrefix("127.")
    }
    public init(host: String = "127.0.0.1", port: Int = 3001) { self.host = host; self.port = port }
}
