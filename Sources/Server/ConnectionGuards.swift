import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Wraps the HTTP/WebSocket child channel with a raw-byte deadline for the first request head,
/// so a client that connects and sends nothing (or trickles header bytes, "slowloris") is
/// closed instead of holding one of the `maxConnections` slots forever. It sits in front of the
/// HTTP decoder because Hummingbird's own handlers only exist after a head has been parsed.
/// It also answers unparseable requests with 400 + close (`HTTPParseErrorHandler`).
///
/// ```swift
/// let builder = HTTPServerBuilder { responder in
///     HeadDeadlineChannel(base: HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: ws, configuration: c),
///                         timeout: .seconds(10), onTimeout: { metrics.connectionTimeouts.increment() },
///                         onParseError: { metrics.rejected.increment() })
/// }
/// ```
struct HeadDeadlineChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base
    let timeout: TimeAmount
    let onTimeout: @Sendable () -> Void

    let onParseError: @Sendable () -> Void

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(HeadDeadlineHandler(timeout: timeout, onTimeout: onTimeout), position: .first)
        }.flatMap { base.setup(channel: channel, logger: logger) }.flatMapThrowing { value in
            // Hummingbird turns NIO's HTTP error handling off and does not answer a request it
            // cannot parse: without this the connection would sit open until the idle timeout.
            let decoder = try channel.pipeline.syncOperations.context(handlerType: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try channel.pipeline.syncOperations.addHandler(HTTPParseErrorHandler(onError: onParseError), position: .after(decoder.handler))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async { await base.handle(value: value, logger: logger) }
}

/// Closes the connection unless a complete request head (bytes up to the first blank line)
/// arrives within `timeout` of connecting; afterwards it only passes bytes through.
final class HeadDeadlineHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    let timeout: TimeAmount
    let onTimeout: @Sendable () -> Void
    private var deadline: Scheduled<Void>?
    private var done = false
    /// How many bytes of "\r\n\r\n" were matched at the end of the previous read.
    private var matched = 0
    private var started = false

    init(timeout: TimeAmount, onTimeout: @escaping @Sendable () -> Void) { self.timeout = timeout; self.onTimeout = onTimeout }

    func handlerAdded(context: ChannelHandlerContext) {
        let box = NIOLoopBound(context, eventLoop: context.eventLoop)
        let onTimeout = self.onTimeout
        deadline = context.eventLoop.scheduleTask(in: timeout) {
            onTimeout()
            box.value.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) { deadline?.cancel(); deadline = nil }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel(); deadline = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !done {
            let buffer = unwrapInboundIn(data)
            let pattern: [UInt8] = [13, 10, 13, 10]
            buffer.withUnsafeReadableBytes { bytes in
                for b in bytes where !done {
                    // Blank lines before a request line are not a request head.
                    if !started { if b == 13 || b == 10 { continue }; started = true }
                    if b == pattern[matched] { matched += 1 } else { matched = b == 13 ? 1 : 0 }
                    if matched == 4 { done = true }
                }
            }
            if done { deadline?.cancel(); deadline = nil }
        }
        context.fireChannelRead(data)
    }
}

/// Answers a request the HTTP decoder rejects (bad request line, header syntax, lengths,
/// chunk framing) with `400` and closes the connection (only closes after an earlier request). Reads pass through untouched, so it is
/// harmless after a WebSocket upgrade (when no parse error can occur any more).
final class HTTPParseErrorHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = Any
    let onError: @Sendable () -> Void
    private var answered = false
    private var sawRequest = false

    init(onError: @escaping @Sendable () -> Void) { self.onError = onError }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        sawRequest = true
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError else { return context.fireErrorCaught(error) }
        guard !answered else { return }
        answered = true
        onError()
        // After an earlier (pipelined) request a 400 could overtake its answer: just close.
        guard !sawRequest else { return context.close(promise: nil) }
        var headers = HTTPHeaders()
        headers.add(name: "connection", value: "close")
        headers.add(name: "content-length", value: "0")
        context.write(NIOAny(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .badRequest, headers: headers))), promise: nil)
        let box = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil))).whenComplete { _ in box.value.close(promise: nil) }
    }
}

/// Closes a connection whose request body does not finish arriving within `timeout` of its
/// head (a slowly trickled body). Runs after HTTP decoding, per request.
final class BodyDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    let timeout: TimeAmount
    let onTimeout: @Sendable () -> Void
    private var deadline: Scheduled<Void>?

    init(timeout: TimeAmount, onTimeout: @escaping @Sendable () -> Void) { self.timeout = timeout; self.onTimeout = onTimeout }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            deadline?.cancel()
            let box = NIOLoopBound(context, eventLoop: context.eventLoop)
            let onTimeout = self.onTimeout
            deadline = context.eventLoop.scheduleTask(in: timeout) {
                onTimeout(); box.value.close(promise: nil)
            }
        case .end:
            deadline?.cancel(); deadline = nil
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func handlerRemoved(context: ChannelHandlerContext) { deadline?.cancel(); deadline = nil }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel(); deadline = nil
        context.fireChannelInactive()
    }
}

/// Closes a connection whose final response went out while its request body was still
/// arriving (a 413 for a chunked body over the limit, or any answer that did not read the
/// body). Hummingbird would otherwise read and discard the rest of the body for as long as the
/// client sends it, up to the body timeout. The write side closes first (FIN after the
/// response) and what the client still sends for `linger` is dropped: closing a socket with
/// unread input sends RST, which can destroy the response before the client reads it.
final class UnreadBodyCloser: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart
    let linger: TimeAmount
    let onClose: @Sendable () -> Void
    private var requests = 0, responses = 0
    private var bodyOpen = false, closing = false, discarding = false
    private var lingerTimer: Scheduled<Void>?

    init(linger: TimeAmount, onClose: @escaping @Sendable () -> Void) { self.linger = linger; self.onClose = onClose }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if discarding { return }
        switch unwrapInboundIn(data) {
        case .head: requests += 1; bodyOpen = true
        case .end: bodyOpen = false
        case .body: break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var response) where response.status.kind != .informational:
            // Only the answer to the request whose body is still arriving (not a pipelined one).
            if bodyOpen && responses + 1 == requests {
                closing = true
                response.headerFields[.connection] = "close"
            }
            context.write(wrapOutboundOut(.head(response)), promise: promise)
        case .end where closing:
            responses += 1
            discarding = true
            onClose()
            let box = NIOLoopBound(context, eventLoop: context.eventLoop)
            let written = context.eventLoop.makePromise(of: Void.self)
            if let promise { written.futureResult.cascade(to: promise) }
            context.writeAndFlush(data, promise: written)
            written.futureResult.whenComplete { [self] _ in
                let context = box.value
                let halfClosed = context.eventLoop.makePromise(of: Void.self)
                context.close(mode: .output, promise: halfClosed)
                halfClosed.futureResult.whenFailure { _ in box.value.close(promise: nil) }
                lingerTimer = context.eventLoop.scheduleTask(in: linger) { box.value.close(promise: nil) }
            }
        case .end:
            responses += 1
            context.write(data, promise: promise)
        default:
            context.write(data, promise: promise)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) { lingerTimer?.cancel() }

    func channelInactive(context: ChannelHandlerContext) {
        lingerTimer?.cancel()
        context.fireChannelInactive()
    }
}

/// The `maxConnections` limit with metrics: Hummingbird stops accepting while `open` is at the
/// limit (further clients wait in the kernel backlog), and the gauge shows how full it is.
struct CountedConnectionLimit: AvailableConnectionsDelegate {
    let limit: Int
    let metrics: ServiceMetrics
    let count = ClientCount()

    mutating func connectionOpened() { count.add(1); metrics.httpConnections.increment() }
    mutating func connectionClosed() { count.add(-1); metrics.httpConnections.decrement() }
    func isAcceptingNewConnections() -> Bool {
        let accepting = count.current < limit
        if !accepting { metrics.connectionLimitReached.increment() }
        return accepting
    }
}
