import NIOCore

/// The NIO end of one connection: bytes in → `NATSParser` → the client; server PINGs answered here.
final class NATSChannelHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    // @unchecked Sendable: used only on its channel's event loop.
    private var parser = NATSParser()
    private let deliver: @Sendable (NATSServerOp) -> Void
    private let failed: @Sendable (Error) -> Void

    init(deliver: @escaping @Sendable (NATSServerOp) -> Void, failed: @escaping @Sendable (Error) -> Void) {
        self.deliver = deliver; self.failed = failed
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        do {
            let ops = try buffer.withUnsafeReadableBytes { try parser.feed($0) }
            for op in ops {
                if case .ping = op {
                    context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: NATSEncoder.pong)), promise: nil)
                }
                deliver(op)
            }
        } catch {
            failed(error)
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        failed(error)
        context.close(promise: nil)
    }
}
