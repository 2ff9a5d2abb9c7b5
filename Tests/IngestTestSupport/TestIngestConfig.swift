import Cache
import Ingest
import RPC

/// How an ingestion test reaches the simulator: directly, through tinyproxy (HTTP CONNECT) or
/// through microsocks (SOCKS5), both with credentials.
public enum ProxyRoute: Sendable { case direct, httpConnect, socks5 }

extension IngestConfig {
    /// Loopback timings: fast pings, a short silence deadline and quick backoff, so fault
    /// scenarios play out in seconds.
    public static func forTests(endpoints: [IngestConfig.Endpoint]) -> IngestConfig {
        var config = IngestConfig(endpoints: endpoints)
        config.commitment = "confirmed"
        config.maxSubscriptionsPerConnection = 100
        config.pingIntervalSeconds = 0.25
        config.silenceDeadlineSeconds = 1.5
        config.connectTimeoutSeconds = 3
        config.requestTimeoutSeconds = 5
        config.backoffInitialSeconds = 0.1
        config.backoffMaxSeconds = 1
        config.staleAfterSeconds = 60
        // One subscription per account, whatever the pool count: these tests count subscriptions
        // against watched accounts. Program subscriptions set `mode` themselves.
        config.mode = .accounts
        return config
    }

    /// Starts the route's real proxy (if any) and points this config at it; the caller stops it.
    public mutating func route(_ route: ProxyRoute) throws -> LocalProxy? {
        let kind: (LocalProxy.Kind, ProxySettings.Kind)
        switch route {
        case .direct: return nil
        case .httpConnect: kind = (.httpConnect, .httpConnect)
        case .socks5: kind = (.socks5, .socks5)
        }
        let proxy = try LocalProxy.start(kind.0, username: "cache", password: "t0p-secret")
        self.proxy = .init(kind: kind.1, host: "127.0.0.1", port: proxy.port, username: "cache", password: "t0p-secret")
        return proxy
    }
}
