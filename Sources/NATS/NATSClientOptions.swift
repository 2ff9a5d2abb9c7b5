import Foundation

/// How a `NATSClient` reaches its cluster.
public struct NATSClientOptions: Sendable, Equatable {
    /// `nats://host:port` of one server or of every node of a cluster; the servers' INFO adds the rest.
    public var urls: [String]
    /// Secrets come from the environment (the config names the variable), never from the file.
    public var token: String?
    public var user: String?
    public var password: String?
    /// Shown by the server (`nats-server` monitoring `/connz`).
    public var name = "solana-pool-cache"
    public var connectTimeoutSeconds = 3.0
    /// Client PING period; two unanswered PINGs drop the connection.
    public var pingIntervalSeconds = 2.0
    public var reconnectInitialSeconds = 0.05
    public var reconnectMaxSeconds = 2.0
    /// Bytes waiting to be written before publishes are dropped (counted) instead of queued: a slow
    /// connection never blocks or grows the caller.
    public var maxPendingBytes = 8 << 20
    public var requestTimeoutSeconds = 5.0

    public init(urls: [String]) { self.urls = urls }
}

/// A `nats://host:port` URL, split.
public struct NATSEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) { self.host = host; self.port = port }

    /// Accepts `nats://host:port`, `host:port` and `host` (port 4222).
    public init(url: String) throws(NATSError) {
        var rest = Substring(url)
        if let r = rest.range(of: "://") {
            guard rest[..<r.lowerBound] == "nats" else { throw .badURL(url) }
            rest = rest[r.upperBound...]
        }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        var host = rest, port = 4_222
        if rest.hasPrefix("[") {
            // [v6]:port
            guard let close = rest.firstIndex(of: "]") else { throw .badURL(url) }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") {
                guard let p = Int(after.dropFirst()) else { throw .badURL(url) }
                port = p
            }
        } else if let colon = rest.lastIndex(of: ":") {
            guard let p = Int(rest[rest.index(after: colon)...]) else { throw .badURL(url) }
            host = rest[..<colon]; port = p
        }
        guard !host.isEmpty, (1...65_535).contains(port) else { throw .badURL(url) }
        self.host = String(host); self.port = port
    }

    public var description: String { "nats://\(host.contains(":") ? "[\(host)]" : host):\(port)" }
}

/// Why a NATS operation failed.
public enum NATSError: Error, Equatable, CustomStringConvertible {
    case badURL(String)
    case notConnected
    case timeout(String)
    /// `-ERR` from the server (authorization, permissions, parser).
    case server(String)
    /// A request nobody answers (status 503).
    case noResponders(String)
    /// The JetStream API answered with an error object.
    case jetStream(code: Int, errCode: Int, description: String)
    case badReply(String)
    case closed

    public var description: String {
        switch self {
        case .badURL(let u): return "bad NATS URL \(u) (expected nats://host:port)"
        case .notConnected: return "not connected to NATS"
        case .timeout(let what): return "NATS \(what) timed out"
        case .server(let e): return "NATS server error: \(e)"
        case .noResponders(let s): return "no responders on \(s)"
        case .jetStream(let code, let err, let d): return "JetStream error \(code)/\(err): \(d)"
        case .badReply(let why): return "bad NATS reply: \(why)"
        case .closed: return "NATS client closed"
        }
    }
}
