import Foundation

/// A parsed `ws://`, `wss://`, `http://` or `https://` endpoint: where to dial and what to ask for.
///
/// ```swift
/// let url = try EndpointURL("wss://rpc.example.com/?api-key=…")
/// url.host; url.port; url.tls; url.requestTarget   // "rpc.example.com", 443, true, "/?api-key=…"
/// ```
public struct EndpointURL: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var tls: Bool
    /// Path and query as sent on the request line.
    public var requestTarget: String
    public var isWebSocket: Bool

    public init(_ text: String) throws {
        guard let c = URLComponents(string: text), let scheme = c.scheme?.lowercased(), let host = c.host, !host.isEmpty else {
            throw TransportError.badURL(Redact.url(text))
        }
        switch scheme {
        case "ws": tls = false; isWebSocket = true
        case "wss": tls = true; isWebSocket = true
        case "http": tls = false; isWebSocket = false
        case "https": tls = true; isWebSocket = false
        default: throw TransportError.badURL(Redact.url(text))
        }
        self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        let p = c.port ?? (tls ? 443 : 80)
        guard (1...65_535).contains(p) else { throw TransportError.badURL(Redact.url(text)) }
        port = p
        var target = c.percentEncodedPath.isEmpty ? "/" : c.percentEncodedPath
        if let q = c.percentEncodedQuery { target += "?" + q }
        requestTarget = target
    }

    /// `host:port` for Host headers and logs (never the query: it may carry an API key).
    public var authority: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return (port == (tls ? 443 : 80)) ? h : "\(h):\(port)"
    }

    public var description: String { "\(isWebSocket ? (tls ? "wss" : "ws") : (tls ? "https" : "http"))://\(authority)" }
}
