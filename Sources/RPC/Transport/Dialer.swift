import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS

/// Opens TCP connections to an endpoint: directly or through the configured proxy (HTTP CONNECT
/// or SOCKS5, on every connect and reconnect), then TLS for `wss://` / `https://`. The returned
/// channel is ready for the protocol handlers (HTTP/1.1 or WebSocket).
///
/// ```swift
/// let dialer = try Dialer(group: .singletonMultiThreadedEventLoopGroup, proxy: proxy)
/// let channel = try await dialer.connect(to: try EndpointURL("wss://rpc.example.com"))
/// ```
public final class Dialer: Sendable {
    public let group: any EventLoopGroup
    public let proxy: ProxySettings?
    public let connectTimeout: TimeAmount
    let sslContext: NIOSSLContext

    /// `tls` defaults to the system trust store with full verification.
    public init(
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, proxy: ProxySettings? = nil,
        connectTimeoutSeconds: Double = 10, tls: TLSConfiguration = .makeClientConfiguration()
    ) throws {
        self.group = group
        self.proxy = proxy
        self.connectTimeout = .milliseconds(Int64(max(0.05, connectTimeoutSeconds) * 1000))
        var tls = tls
        // HTTP/1.1 only: the JSON-RPC client and the WebSocket upgrade both speak it.
        tls.applicationProtocols = ["http/1.1"]
        self.sslContext = try NIOSSLContext(configuration: tls)
    }

    /// A connected channel to `url`'s host (through the proxy when set), TLS added when needed.
    public func connect(to url: EndpointURL) async throws -> any Channel {
        let (host, port) = proxy.map { ($0.host, $0.port) } ?? (url.host, url.port)
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(connectTimeout)
                .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                .connect(host: host, port: port).get()
        } catch let e as ChannelError {
            if case .connectTimeout = e { throw TransportError.connectTimeout(proxy == nil ? url.description : "proxy \(host):\(port)") }
            throw e
        }
        do {
            if let proxy { try await tunnel(channel, through: proxy, to: url) }
            if url.tls {
                // SNI only for names, never for IP literals (RFC 6066 §3).
                let sni = (SOCKS5Handshake.ipv4(url.host) != nil || url.host.contains(":")) ? nil : url.host
                // Wait for the handshake here so a bad certificate is a connect error naming the
                // cause, not a request that dies later on a closed channel. The handlers are made
                // on the channel's loop: they are not Sendable.
                let handshake = channel.eventLoop.makePromise(of: Void.self)
                let sslContext = self.sslContext
                try await channel.eventLoop.submit {
                    let handler = try NIOSSLClientHandler(context: sslContext, serverHostname: sni)
                    let waiter = TLSHandshakeWaiter(promise: handshake)
                    try channel.pipeline.syncOperations.addHandler(handler, position: .first)
                    try channel.pipeline.syncOperations.addHandler(waiter, position: .after(handler))
                }.get()
                let what = "\(url.host):\(url.port)"
                let timeout = channel.eventLoop.scheduleTask(in: connectTimeout) {
                    handshake.fail(TransportError.connectTimeout("TLS handshake with \(what)"))
                }
                defer { timeout.cancel() }
                do {
                    try await handshake.futureResult.get()
                } catch let e as TransportError {
                    throw e
                } catch {
                    throw TransportError.tls("\(what): \(error)")
                }
            }
            return channel
        } catch {
            channel.close(promise: nil)
            throw error
        }
    }

    private func tunnel(_ channel: any Channel, through proxy: ProxySettings, to url: EndpointURL) async throws {
        let handshake: any ProxyHandshake
        switch proxy.kind {
        case .httpConnect:
            handshake = HTTPConnectHandshake(targetHost: url.host, targetPort: url.port, username: proxy.username, password: proxy.password)
        case .socks5:
            handshake = SOCKS5Handshake(targetHost: url.host, targetPort: url.port, username: proxy.username, password: proxy.password)
        }
        let promise = channel.eventLoop.makePromise(of: Void.self)
        // Failed directly (NIO ignores a second completion): a closed channel's pipeline would swallow a fired error.
        let timeout = channel.eventLoop.scheduleTask(in: connectTimeout) {
            promise.fail(TransportError.connectTimeout("proxy handshake with \(proxy.host):\(proxy.port)"))
        }
        promise.futureResult.whenComplete { _ in timeout.cancel() }
        try await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.addHandler(ProxyHandshakeHandler(handshake: handshake, promise: promise))
        }.get()
        try await promise.futureResult.get()
    }
}

/// Completes `promise` when NIOSSL reports the handshake done (then leaves the pipeline), or fails
/// it with the first error or close before that.
// @unchecked Sendable: no mutable state (`promise` is a let); its callbacks run on the channel's event loop.
final class TLSHandshakeWaiter: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = NIOAny
    let promise: EventLoopPromise<Void>
    init(promise: EventLoopPromise<Void>) { self.promise = promise }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let tls = event as? TLSUserEvent, case .handshakeCompleted = tls {
            promise.succeed(())
            context.pipeline.syncOperations.removeHandler(self, promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        promise.fail(error)  // a second completion is ignored by NIO
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(TransportError.connectionClosed)
        context.fireChannelInactive()
    }
}
