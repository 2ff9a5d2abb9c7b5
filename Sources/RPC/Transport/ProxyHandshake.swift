import NIOCore

/// A proxy to tunnel every connection through (WebSocket and HTTP alike, on every reconnect).
///
/// ```swift
/// let proxy = ProxySettings(kind: .socks5, host: "127.0.0.1", port: 1080, username: "u", password: ProcessInfo.processInfo.environment["PROXY_PASSWORD"])
/// ```
public struct ProxySettings: Sendable, Equatable {
    public enum Kind: String, Sendable { case httpConnect = "http", socks5 }
    public var kind: Kind
    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?
    public init(kind: Kind, host: String, port: Int, username: String? = nil, password: String? = nil) {
        self.kind = kind; self.host = host; self.port = port; self.username = username; self.password = password
    }
}

/// What a handshake state machine wants next.
public enum HandshakeStep: Equatable, Sendable {
    /// Wait for more bytes.
    case needMore
    /// Send these bytes, then wait for more.
    case send([UInt8])
    /// The tunnel is open; everything after this is the target's protocol.
    case done
}

/// A pure proxy handshake: bytes in, bytes out, no sockets (tested byte for byte).
public protocol ProxyHandshake: Sendable {
    /// The first bytes to send once the TCP connection to the proxy is up.
    mutating func start() throws -> [UInt8]
    /// Consumes bytes from the front of `buffer` and says what to do.
    mutating func receive(_ buffer: inout [UInt8]) throws -> HandshakeStep
}

/// HTTP CONNECT (RFC 9110 §9.3.6), with optional Basic proxy credentials.
///
/// ```swift
/// var h = HTTPConnectHandshake(targetHost: "rpc.example.com", targetPort: 443)
/// send(try h.start()); try h.receive(&replyBytes)   // .done on "HTTP/1.1 200 …"
/// ```
public struct HTTPConnectHandshake: ProxyHandshake {
    public let targetHost: String
    public let targetPort: Int
    public var username: String?
    public var password: String?
    /// A proxy reply header larger than this is rejected.
    public static let maxHeaderBytes = 16_384

    public init(targetHost: String, targetPort: Int, username: String? = nil, password: String? = nil) {
        self.targetHost = targetHost; self.targetPort = targetPort; self.username = username; self.password = password
    }

    var authority: String { (targetHost.contains(":") ? "[\(targetHost)]" : targetHost) + ":\(targetPort)" }

    public mutating func start() throws -> [UInt8] {
        var text = "CONNECT \(authority) HTTP/1.1\r\nHost: \(authority)\r\n"
        if let username {
            text += "Proxy-Authorization: Basic \(Base64.encode(Array("\(username):\(password ?? "")".utf8)))\r\n"
        }
        text += "\r\n"
        return Array(text.utf8)
    }

    public mutating func receive(_ buffer: inout [UInt8]) throws -> HandshakeStep {
        guard let end = Self.headerEnd(buffer) else {
            if buffer.count > Self.maxHeaderBytes { throw TransportError.proxyProtocol("CONNECT reply header too large") }
            return .needMore
        }
        let header = String(decoding: buffer[..<end], as: UTF8.self)
        buffer.removeFirst(end + 4)
        let statusLine = header.split(separator: "\r\n", maxSplits: 1).first.map(String.init) ?? ""
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let code = Int(parts[1]) else {
            throw TransportError.proxyProtocol("not an HTTP reply: \(statusLine.prefix(80))")
        }
        guard (200..<300).contains(code) else {
            throw TransportError.proxyRefused(code == 407 ? "HTTP 407 proxy authentication required" : "CONNECT answered \(statusLine.prefix(80))")
        }
        return .done
    }

    static func headerEnd(_ b: [UInt8]) -> Int? {
        guard b.count >= 4 else { return nil }
        for i in 0...(b.count - 4) where b[i] == 13 && b[i + 1] == 10 && b[i + 2] == 13 && b[i + 3] == 10 { return i }
        return nil
    }
}

/// SOCKS5 (RFC 1928) CONNECT with no authentication or username/password (RFC 1929).
///
/// ```swift
/// var h = SOCKS5Handshake(targetHost: "rpc.example.com", targetPort: 443, username: "u", password: "p")
/// send(try h.start())   // greeting; then feed replies to receive(_:) until .done
/// ```
public struct SOCKS5Handshake: ProxyHandshake {
    public let targetHost: String
    public let targetPort: Int
    public var username: String?
    public var password: String?
    enum State { case greeting, auth, connect, done }
    var state = State.greeting

    public init(targetHost: String, targetPort: Int, username: String? = nil, password: String? = nil) {
        self.targetHost = targetHost; self.targetPort = targetPort; self.username = username; self.password = password
    }

    public mutating func start() throws -> [UInt8] {
        state = .greeting
        // Offer username/password only when we have credentials.
        return username == nil ? [5, 1, 0x00] : [5, 2, 0x00, 0x02]
    }

    public mutating func receive(_ buffer: inout [UInt8]) throws -> HandshakeStep {
        switch state {
        case .greeting:
            guard buffer.count >= 2 else { return .needMore }
            let version = buffer[0], method = buffer[1]
            buffer.removeFirst(2)
            guard version == 5 else { throw TransportError.proxyProtocol("SOCKS version \(version) (expected 5)") }
            switch method {
            case 0x00:
                state = .connect
                return .send(try connectRequest())
            case 0x02:
                guard let username else { throw TransportError.proxyProtocol("SOCKS5 proxy chose password auth we did not offer") }
                let u = Array(username.utf8), p = Array((password ?? "").utf8)
                guard u.count <= 255, p.count <= 255 else { throw TransportError.proxyProtocol("SOCKS5 credentials longer than 255 bytes") }
                state = .auth
                return .send([1, UInt8(u.count)] + u + [UInt8(p.count)] + p)
            case 0xFF: throw TransportError.proxyRefused("SOCKS5: no acceptable authentication method")
            default: throw TransportError.proxyProtocol("SOCKS5 chose unknown method \(method)")
            }
        case .auth:
            guard buffer.count >= 2 else { return .needMore }
            let status = buffer[1]
            buffer.removeFirst(2)
            guard status == 0 else { throw TransportError.proxyRefused("SOCKS5 username/password rejected") }
            state = .connect
            return .send(try connectRequest())
        case .connect:
            guard buffer.count >= 5 else { return .needMore }
            guard buffer[0] == 5 else { throw TransportError.proxyProtocol("SOCKS version \(buffer[0]) in reply") }
            let reply = buffer[1]
            let addressLength: Int
            switch buffer[3] {
            case 1: addressLength = 4
            case 3: addressLength = 1 + Int(buffer[4])
            case 4: addressLength = 16
            default: throw TransportError.proxyProtocol("SOCKS5 reply address type \(buffer[3])")
            }
            let total = 4 + addressLength + 2
            guard reply == 0 else { throw TransportError.proxyRefused("SOCKS5 CONNECT failed: \(Self.replyText(reply))") }
            guard buffer.count >= total else { return .needMore }
            buffer.removeFirst(total)
            state = .done
            return .done
        case .done:
            return .done
        }
    }

    func connectRequest() throws -> [UInt8] {
        guard (1...65_535).contains(targetPort) else { throw TransportError.proxyProtocol("bad port \(targetPort)") }
        var out: [UInt8] = [5, 1, 0]
        if let v4 = Self.ipv4(targetHost) {
            out += [1] + v4
        } else {
            let name = Array(targetHost.utf8)
            guard !name.isEmpty, name.count <= 255 else { throw TransportError.proxyProtocol("host name too long for SOCKS5") }
            out += [3, UInt8(name.count)] + name
        }
        out += [UInt8(targetPort >> 8), UInt8(targetPort & 0xFF)]
        return out
    }

    static func ipv4(_ s: String) -> [UInt8]? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for p in parts {
            guard let v = UInt8(p) else { return nil }
            out.append(v)
        }
        return out
    }

    static func replyText(_ code: UInt8) -> String {
        switch code {
        case 1: return "general failure"
        case 2: return "connection not allowed by ruleset"
        case 3: return "network unreachable"
        case 4: return "host unreachable"
        case 5: return "connection refused"
        case 6: return "TTL expired"
        case 7: return "command not supported"
        case 8: return "address type not supported"
        default: return "reply code \(code)"
        }
    }
}

/// Runs a `ProxyHandshake` on a freshly connected channel; completes `promise` when the tunnel
/// is open (then removes itself, so the target's protocol handlers see a clean stream).
final class ProxyHandshakeHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var handshake: any ProxyHandshake
    private let promise: EventLoopPromise<Void>
    private var buffer: [UInt8] = []
    private var started = false
    private var finished = false

    init(handshake: any ProxyHandshake, promise: EventLoopPromise<Void>) {
        self.handshake = handshake
        self.promise = promise
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { begin(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        begin(context)
        context.fireChannelActive()
    }

    private func begin(_ context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        do { send(context, try handshake.start()) } catch { fail(context, error) }
    }

    private func send(_ context: ChannelHandlerContext, _ bytes: [UInt8]) {
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !finished else { return }
        var incoming = unwrapInboundIn(data)
        buffer += incoming.readBytes(length: incoming.readableBytes) ?? []
        do {
            while true {
                switch try handshake.receive(&buffer) {
                case .needMore: return
                case .send(let bytes): send(context, bytes)
                case .done:
                    // The target speaks only after we do, so nothing may follow the proxy's reply.
                    guard buffer.isEmpty else { throw TransportError.proxyProtocol("unexpected bytes after the proxy reply") }
                    finished = true
                    context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
                    promise.succeed(())
                    return
                }
            }
        } catch {
            fail(context, error)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !finished { finished = true; promise.fail(TransportError.proxyRefused("proxy closed the connection during the handshake")) }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        fail(context, error)
    }

    private func fail(_ context: ChannelHandlerContext, _ error: Error) {
        guard !finished else { return }
        finished = true
        promise.fail(error)
        context.close(promise: nil)
    }
}
