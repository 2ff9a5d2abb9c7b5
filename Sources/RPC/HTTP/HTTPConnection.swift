import NIOCore
import NIOHTTP1

/// One HTTP/1.1 response, body collected.
public struct HTTPReply: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]
    public var keepAlive: Bool

    /// `Retry-After` in seconds (delta form; HTTP dates are treated as absent).
    public var retryAfter: Double? {
        headers.first(name: "retry-after").flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }.map { max(0, $0) }
    }
}

/// One keep-alive HTTP/1.1 connection (through the dialer: proxy and TLS included) carrying
/// one request at a time, with a deadline per request and a cap on the response size.
// @unchecked Sendable: immutable after init (channel, handler, url); the handler is only driven on the channel's event loop.
final class HTTPConnection: @unchecked Sendable {
    let channel: any Channel
    private let handler: ResponseCollector
    let url: EndpointURL

    static func open(_ url: EndpointURL, dialer: Dialer, maxResponseBytes: Int) async throws -> HTTPConnection {
        let channel = try await dialer.connect(to: url)
        let handler = ResponseCollector(maxBody: maxResponseBytes)
        do {
            try await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.addHTTPClientHandlers()
                try channel.pipeline.syncOperations.addHandler(handler)
            }.get()
        } catch {
            channel.close(promise: nil)
            throw error
        }
        return HTTPConnection(channel: channel, handler: handler, url: url)
    }

    private init(channel: any Channel, handler: ResponseCollector, url: EndpointURL) {
        self.channel = channel; self.handler = handler; self.url = url
    }

    var isUsable: Bool { channel.isActive }

    func post(body: [UInt8], timeoutSeconds: Double) async throws -> HTTPReply {
        let loop = channel.eventLoop
        let promise = loop.makePromise(of: HTTPReply.self)
        let channel = self.channel, handler = self.handler, url = self.url
        loop.execute {
            guard handler.begin(promise) else { return }
            // Closed between open and now (e.g. the peer hung up): fail now, not at the deadline.
            guard channel.isActive else { handler.abort(TransportError.connectionClosed, channel: channel); return }
            var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: url.requestTarget)
            head.headers.add(name: "Host", value: url.authority)
            head.headers.add(name: "Content-Type", value: "application/json")
            head.headers.add(name: "Accept", value: "application/json")
            head.headers.add(name: "Content-Length", value: String(body.count))
            head.headers.add(name: "User-Agent", value: "solana-pool-cache")
            channel.write(HTTPClientRequestPart.head(head), promise: nil)
            channel.write(HTTPClientRequestPart.body(.byteBuffer(channel.allocator.buffer(bytes: body))), promise: nil)
            let written = loop.makePromise(of: Void.self)
            written.futureResult.whenFailure { handler.abort($0, channel: channel) }
            channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: written)
        }
        // Fails the request directly: an error fired into a pipeline that is already torn down
        // would reach no handler and leave the caller waiting forever.
        let timeout = loop.scheduleTask(in: .milliseconds(Int64(timeoutSeconds * 1000))) {
            handler.abort(TransportError.requestTimeout("\(url) after \(timeoutSeconds)s"), channel: channel)
        }
        defer { timeout.cancel() }
        return try await promise.futureResult.get()
    }

    func close() { channel.close(promise: nil) }
}

/// Collects one response at a time; any error or close fails the pending request once.
// @unchecked Sendable: pending, head, body and closed are confined to the channel's event loop (handler callbacks, and
// begin/abort called from loop.execute, loop.scheduleTask and write-promise callbacks).
final class ResponseCollector: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart
    let maxBody: Int
    private var pending: EventLoopPromise<HTTPReply>?
    private var head: HTTPResponseHead?
    private var body: [UInt8] = []
    private var closed = false

    init(maxBody: Int) { self.maxBody = maxBody }

    /// Must run on the channel's event loop.
    func begin(_ promise: EventLoopPromise<HTTPReply>) -> Bool {
        if closed || pending != nil {
            promise.fail(TransportError.connectionClosed)
            return false
        }
        pending = promise
        head = nil
        body = []
        return true
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
        case .body(var b):
            guard body.count + b.readableBytes <= maxBody else {
                fail(context, TransportError.responseTooLarge(maxBody))
                return
            }
            body += b.readBytes(length: b.readableBytes) ?? []
        case .end:
            guard let h = head, let p = pending else { return }
            pending = nil
            let reply = HTTPReply(status: Int(h.status.code), headers: h.headers, body: body, keepAlive: h.isKeepAlive)
            body = []
            if !reply.keepAlive { closed = true; context.close(promise: nil) }
            p.succeed(reply)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        pending?.fail(TransportError.connectionClosed)
        pending = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        fail(context, error)
    }

    /// Fails the pending request and closes; for deadlines and write failures (on the event loop).
    func abort(_ error: Error, channel: any Channel) {
        closed = true
        pending?.fail(error)
        pending = nil
        channel.close(promise: nil)
    }

    private func fail(_ context: ChannelHandlerContext, _ error: Error) {
        closed = true
        pending?.fail(error)
        pending = nil
        context.close(promise: nil)
    }
}
