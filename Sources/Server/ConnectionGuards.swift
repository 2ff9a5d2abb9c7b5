import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes

/// Wraps the HTTP/WebSocket child channel with a raw-byte deadline for the first request head,
/// so a client that connects and sends nothing (or trickles header bytes, "slowloris") is
/// closed instead of holding one of the `maxConnections` slots forever. It sits in front of the
/// HTTP decoder because Hummingbird's own handlers only exist after a head has been parsed.
///
/// ```swift
/// let builder = HTTPServerBuilder { responder in
///     HeadDeadlineChannel(base: HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: ws, configuration: c),
///                         timeout: .seconds(10), onTimeout: { metrics.connectionTimeouts.increment() })
/// }
/// ```
struct HeadDeadlineChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base
    let timeout: TimeAmount
    let onTimeout: @Sendable () -> Void

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(HeadDeadlineHandler(timeout: timeout, onTimeout: onTimeout), position: .first)
        }.flatMap { base.setup(channel: channel, logger: logger) }
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
                    if b == pattern[matched] { matched += 1 } else { matched = b == 13 ? 1 : 0 }
                    if matched == 4 { done = true }
                }
            }
            if done { deadline?.cancel(); deadline = nil }
        }
        context.fireChannelRead(data)
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
            deadline = context.eventLoop.scheduleTask(in: timeout) { onTimeout(); box.value.close(promise: nil) }
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
