/// Why a connection, a handshake or a request failed. Messages never include URL queries
/// (they may carry API keys) or proxy passwords.
public enum TransportError: Error, Equatable, CustomStringConvertible, Sendable {
    case badURL(String)
    case connectTimeout(String)
    /// The TLS handshake failed: untrusted or mismatched certificate, protocol error.
    case tls(String)
    case proxyRefused(String)
    case proxyProtocol(String)
    case upgradeRejected(String)
    case requestTimeout(String)
    case httpStatus(Int, retryAfter: Double?)
    case responseTooLarge(Int)
    case connectionClosed
    /// No frame (not even a pong) for longer than the silence deadline.
    case silent(seconds: Double)
    case rpc(code: Int, message: String)
    case badReply(String)
    /// The consumer fell this many events behind: the connection is closed (a reconnect re-reads everything).
    case consumerBehind(Int)

    /// The JSON-RPC error code when the node answered with an error (the link itself is fine).
    public static func rpcCode(of error: any Error) -> Int? {
        if case TransportError.rpc(let code, _) = error { return code }
        return nil
    }

    public var description: String {
        switch self {
        case .badURL(let u): return "bad endpoint URL \(u)"
        case .connectTimeout(let w): return "connect to \(w) timed out"
        case .tls(let w): return "TLS handshake failed: \(w.prefix(300))"
        case .proxyRefused(let w): return "proxy refused: \(w)"
        case .proxyProtocol(let w): return "proxy handshake failed: \(w)"
        case .upgradeRejected(let w): return "WebSocket upgrade rejected: \(w)"
        case .requestTimeout(let w): return "request timed out: \(w)"
        case let .httpStatus(code, retry): return "HTTP \(code)" + (retry.map { " (Retry-After \($0)s)" } ?? "")
        case .responseTooLarge(let n): return "response larger than \(n) bytes"
        case .connectionClosed: return "connection closed"
        case .silent(let s): return "no frame for \(s)s (connection declared dead)"
        case let .rpc(code, message): return "RPC error \(code): \(message.prefix(300))"
        case .badReply(let w): return "bad reply: \(w.prefix(300))"
        case .consumerBehind(let n): return "more than \(n) events waiting for the consumer (connection dropped; a reconnect resyncs)"
        }
    }
}
