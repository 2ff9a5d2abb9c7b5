import Foundation
import GRPCNIOTransportHTTP2Posix
import NIOCore
import NIOPosix
import NIOSSL
import RPC

/// Opens one HTTP/2 connection for the gRPC client: TCP to the endpoint, or to the configured
/// proxy and then a tunnel (HTTP CONNECT or SOCKS5, the same handshakes as the JSON-RPC side's
/// `Dialer`), then TLS with ALPN `h2` for `https://`, and hands the channel to grpc-swift's
/// `WrappedChannel` transport (one transport per connection: it never reconnects by itself;
/// `GeyserAccountSource` does).
///
/// The gRPC pipeline is configured in the same event-loop turn that finishes the tunnel, and
/// any bytes that arrived behind the proxy's reply are passed on to it: an h2c server sends
/// its SETTINGS as soon as the proxy connects it, possibly in the same read as the reply.
///
/// ```swift
/// let dialer = try GeyserDialer(endpoint: try EndpointURL("http://127.0.0.1:10000"), proxy: nil)
/// let transport = try await dialer.connect()
/// ```
struct GeyserDialer: Sendable {
    let endpoint: EndpointURL
    let proxy: ProxySettings?
    let connectTimeout: TimeAmount
    let sslContext: NIOSSLContext?
    let group: any EventLoopGroup

    init(
        endpoint: EndpointURL, proxy: ProxySettings?, connectTimeoutSeconds: Double = 10, tlsCAFile: String? = nil,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) throws {
        self.endpoint = endpoint
        self.proxy = proxy
        self.connectTimeout = .milliseconds(Int64(max(0.05, connectTimeoutSeconds) * 1000))
        self.group = group
        if endpoint.tls {
            var tls = TLSConfiguration.makeClientConfiguration()
            // gRPC is HTTP/2 only (RFC 7540 §3.3: ALPN "h2" over TLS).
            tls.applicationProtocols = ["h2"]
            if let ca = tlsCAFile { tls.additionalTrustRoots = [.file(ca)] }
            sslContext = try NIOSSLContext(configuration: tls)
        } else {
            sslContext = nil
        }
    }

    /// A connected transport; throws a `TransportError` naming what failed (connect, proxy, TLS).
    func connect() async throws -> HTTP2ClientTransport.WrappedChannel {
        let (host, port) = proxy.map { ($0.host, $0.port) } ?? (endpoint.host, endpoint.port)
        let handshake: (any ProxyHandshake)? = proxy.map { p in
            switch p.kind {
            case .httpConnect:
                return HTTPConnectHandshake(targetHost: endpoint.host, targetPort: endpoint.port, username: p.username, password: p.password)
            case .socks5:
                return SOCKS5Handshake(targetHost: endpoint.host, targetPort: endpoint.port, username: p.username, password: p.password)
            }
        }
        // SNI only for names, never for IP literals (RFC 6066 §3).
        let isLiteral = endpoint.host.contains(":") || endpoint.host.allSatisfy { $0.isNumber || $0 == "." }
        let sni = isLiteral ? nil : endpoint.host
        let sslContext = self.sslContext, connectTimeout = self.connectTimeout, group = self.group
        let authority = endpoint.authority
        let what = proxy == nil ? "\(host):\(port)" : "proxy \(host):\(port)"
        return try await HTTP2ClientTransport.WrappedChannel.wrapping(
            config: .defaults {
                $0.http2.maxFrameSize = 1 << 20
                // WrappedChannel knows no target: without this no `:authority` is sent, which
                // grpc C-core (and RFC 9113 §8.3.1 for h2) refuse.
                $0.http2.authority = authority
            }
        ) { configure in
            let ready = group.next().makePromise(of: HTTP2ClientTransport.WrappedChannel.ConfiguredChannel.self)
            let channel: any Channel
            do {
                channel = try await ClientBootstrap(group: group)
                    .connectTimeout(connectTimeout)
                    .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            let opener = TunnelOpener(
                                handshake: handshake, sslContext: sslContext, serverHostname: sni, configure: configure, ready: ready)
                            try channel.pipeline.syncOperations.addHandler(opener)
                        }
                    }
                    .connect(host: host, port: port).get()
            } catch let e as ChannelError {
                ready.fail(e)
                if case .connectTimeout = e { throw TransportError.connectTimeout(what) }
                throw e
            } catch {
                ready.fail(error)
                throw error
            }
            let timeout = channel.eventLoop.scheduleTask(in: connectTimeout) {
                ready.fail(TransportError.connectTimeout(proxy == nil ? "gRPC connection to \(what)" : "proxy handshake with \(what)"))
            }
            defer { timeout.cancel() }
            do { return try await ready.futureResult.get() } catch {
                channel.close(promise: nil)
                throw error
            }
        }
    }
}

/// Runs the proxy handshake (when there is one), then, in the same event-loop turn, adds TLS
/// (for `https://`) and the gRPC pipeline, leaves, and passes on whatever followed the reply.
// @unchecked Sendable: its state is touched only on the channel's event loop.
final class TunnelOpener: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer
    typealias Configure = @Sendable (any Channel) -> EventLoopFuture<HTTP2ClientTransport.WrappedChannel.ConfiguredChannel>

    private var handshake: (any ProxyHandshake)?
    private let sslContext: NIOSSLContext?
    private let serverHostname: String?
    private let configure: Configure
    private let ready: EventLoopPromise<HTTP2ClientTransport.WrappedChannel.ConfiguredChannel>
    private var buffer: [UInt8] = []
    private var started = false, finished = false

    init(
        handshake: (any ProxyHandshake)?, sslContext: NIOSSLContext?, serverHostname: String?, configure: @escaping Configure,
        ready: EventLoopPromise<HTTP2ClientTransport.WrappedChannel.ConfiguredChannel>
    ) {
        self.handshake = handshake; self.sslContext = sslContext; self.serverHostname = serverHostname
        self.configure = configure; self.ready = ready
    }

    func handlerAdded(context: ChannelHandlerContext) { if context.channel.isActive { begin(context) } }

    func channelActive(context: ChannelHandlerContext) {
        begin(context)
        context.fireChannelActive()
    }

    private func begin(_ context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        guard handshake != nil else { return open(context) }
        do { send(context, try handshake!.start()) } catch { fail(context, error) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !finished else { return context.fireChannelRead(data) }
        var incoming = unwrapInboundIn(data)
        buffer += incoming.readBytes(length: incoming.readableBytes) ?? []
        do {
            while true {
                switch try handshake!.receive(&buffer) {
                case .needMore: return
                case .send(let bytes): send(context, bytes)
                case .done: return open(context)
                }
            }
        } catch {
            fail(context, error)
        }
    }

    /// The tunnel is open (or there is none): TLS, the gRPC pipeline, then the leftover bytes.
    private func open(_ context: ChannelHandlerContext) {
        finished = true
        do {
            if let sslContext {
                let tls = try NIOSSLClientHandler(context: sslContext, serverHostname: serverHostname)
                try context.pipeline.syncOperations.addHandler(tls, position: .after(self))
            }
            // In the event loop, `configure` completes synchronously (WrappedChannel.wrapping).
            let configured = configure(context.channel)
            configured.cascade(to: ready)
        } catch {
            return fail(context, TransportError.tls("\(serverHostname ?? "endpoint"): \(error)"))
        }
        let rest = buffer
        buffer = []
        if !rest.isEmpty {
            context.fireChannelRead(wrapInboundOut(context.channel.allocator.buffer(bytes: rest)))
            context.fireChannelReadComplete()
        }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    private func send(_ context: ChannelHandlerContext, _ bytes: [UInt8]) {
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !finished {
            finished = true
            ready.fail(TransportError.proxyRefused("proxy closed the connection during the handshake"))
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if finished { return context.fireErrorCaught(error) }
        fail(context, error)
    }

    private func fail(_ context: ChannelHandlerContext, _ error: Error) {
        guard !finished else { return }
        finished = true
        ready.fail(error)
        context.close(promise: nil)
    }
}
