import Foundation
import GracefulStop
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import ServiceLifecycle
import SolanaCore

/// The local cluster's network edge: JSON-RPC over HTTP on `port` and PubSub over WebSocket on
/// `port + 1` (as `solana-test-validator` does with 8899/8900), plus the slot clock.
///
/// ```swift
/// let server = SimulatorServer(cluster: try Cluster.bundled(seed: 1), options: .init(port: 8899))
/// try await server.run()      // until cancelled / SIGINT in the CLI
/// ```
public final class SimulatorServer: Sendable {
    public struct Options: Sendable {
        public var host = "127.0.0.1"
        public var port = 8899
        public var slotMillis = 400
        public var maxSubscriptionsPerConnection = 100
        /// Client frames larger than this are rejected (mainnet: 4096).
        public var maxClientFrameBytes = 4096
        /// Largest HTTP request body accepted.
        public var maxRequestBytes = 1 << 20
        /// Optional HTTP rate limit (429 + Retry-After when exceeded).
        public var requestsPerSecond: Double?
        /// The Yellowstone-compatible gRPC service's port (0: the kernel's choice); nil: none.
        public var grpcPort: Int?
        /// When set, gRPC calls must carry it as `x-token` metadata.
        public var grpcXToken: String?
        /// How often each Subscribe stream gets a server ping.
        public var grpcPingMillis = 5_000
        /// Slots kept for `from_slot` replay.
        public var grpcRetainedSlots = GeyserFeed.defaultRetainedSlots
        public init(host: String = "127.0.0.1", port: Int = 8899, slotMillis: Int = 400, requestsPerSecond: Double? = nil) {
            self.host = host; self.port = port; self.slotMillis = slotMillis; self.requestsPerSecond = requestsPerSecond
        }
    }

    public let cluster: Cluster
    public let faults = FaultState()
    public let options: Options
    /// Numbers and retains the cluster's writes for the gRPC service.
    public let geyserFeed: GeyserFeed
    /// The bound ports (the gRPC one via `waitGRPC` once `run` has bound it).
    public let ports = ReadyPorts()
    let limiter: RequestRateLimiter?
    let logger: Logger

    public init(cluster: Cluster, options: Options, logger: Logger = Logger(label: "simulator")) {
        self.cluster = cluster
        self.options = options
        self.geyserFeed = GeyserFeed(retainedSlots: options.grpcRetainedSlots)
        self.limiter = options.requestsPerSecond.map { RequestRateLimiter(requestsPerSecond: $0) }
        self.logger = logger
    }

    /// Runs the HTTP and WebSocket servers and the slot clock until the task is cancelled.
    /// `onReady` receives the bound (rpc, pubsub) ports (useful with port 0 in tests); with
    /// `grpcPort` set it runs once the gRPC port is bound too (`ports.waitGRPC()`).
    public func run(onReady: @escaping @Sendable (Int, Int) async -> Void = { _, _ in }) async throws {
        let ports = self.ports
        let handler = RpcHandler(cluster: cluster, faults: faults)
        let limiter = self.limiter, maxBody = options.maxRequestBytes
        let router = Router()
        router.post("/") { request, _ -> Response in
            if let limiter, !limiter.allow() {
                return Response(
                    status: .tooManyRequests, headers: [.retryAfter: "1", .contentType: "application/json"],
                    body: .init(byteBuffer: ByteBuffer(string: #"{"jsonrpc":"2.0","error":{"code":429,"message":"Too many requests"},"id":null}"#)))
            }
            let body: ByteBuffer
            do { body = try await request.body.collect(upTo: maxBody) } catch {
                return Response(status: .contentTooLarge, body: .init(byteBuffer: ByteBuffer(string: "request body too large")))
            }
            let reply = handler.handle(Array(body.readableBytesView))
            var headers: HTTPFields = [.contentType: "application/json"]
            if let r = reply.retryAfter { headers[.retryAfter] = String(r) }
            return Response(status: .init(code: reply.status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: reply.body)))
        }
        router.get("/health") { _, _ in "ok" }
        let rpcApp = Application(
            router: router,
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: "solana-sim-rpc"),
            onServerRunning: { ch in ports.set(rpc: ch.localAddress?.port ?? 0) }, logger: logger)

        let faults = self.faults, cluster = self.cluster, maxSubs = options.maxSubscriptionsPerConnection
        let wsRouter = Router()
        wsRouter.get("/") { _, _ -> Response in
            Response(status: faults.active(.refuse) ? .serviceUnavailable : .badRequest)
        }
        let wsApp = Application(
            router: wsRouter,
            server: .http1WebSocketUpgrade(configuration: .init(ws: .init(maxFrameSize: options.maxClientFrameBytes, autoPing: .disabled))) {
                _, channel, _ in
                if faults.active(.refuse) { return .dontUpgrade }
                // Next to the socket, so a stall also swallows the pongs the WebSocket layer sends by itself
                // (additionalChannelHandlers only live in the HTTP/1 pipeline, before the upgrade).
                try await channel.pipeline.addHandler(StallHandler(faults: faults), position: .first).get()
                return .upgrade([:]) { inbound, outbound, _ in
                    try await Self.serve(inbound: inbound, outbound: outbound, cluster: cluster, faults: faults, maxSubscriptions: maxSubs)
                }
            },
            configuration: .init(address: .hostname(options.host, port: options.port == 0 ? 0 : options.port + 1), serverName: "solana-sim-pubsub"),
            onServerRunning: { ch in ports.set(pubsub: ch.localAddress?.port ?? 0) }, logger: logger)

        let clock = SlotClock(cluster: cluster, millis: options.slotMillis)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [logger] in try await GracefulStop.run([rpcApp], logger: logger) }
            group.addTask { [logger] in try await GracefulStop.run([wsApp], logger: logger) }
            group.addTask { try await clock.run() }
            let feed = geyserFeed
            group.addTask { await feed.run(cluster) }
            if let grpcPort = options.grpcPort {
                let service = GeyserService(
                    feed: feed, faults: faults, xToken: options.grpcXToken, pingInterval: .milliseconds(options.grpcPingMillis))
                let host = options.host
                group.addTask { [logger] in try await GeyserServer.run(service, host: host, port: grpcPort, ports: ports, logger: logger) }
            }
            group.addTask { [options] in
                let (r, p) = try await ports.wait()
                if options.grpcPort != nil { _ = try await ports.waitGRPC() }
                await onReady(r, p)
            }
            // The ready notifier ends early; servers and clock run until cancelled or one fails.
            // Iterate, not waitForAll(): that waits for every task even after one threw, so a port
            // that could not be bound left the other server running and the error unseen.
            for try await _ in group {}
        }
    }

    /// One PubSub connection: replies to requests, forwards slot events as notifications, applies faults.
    static func serve(
        inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, cluster: Cluster, faults: FaultState,
        maxSubscriptions: Int
    ) async throws {
        let session = SessionBox(PubSubSession(maxSubscriptions: maxSubscriptions))
        let (subscription, events) = cluster.subscribe()
        defer { cluster.unsubscribe(subscription) }
        let generation = faults.generation
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for try await message in inbound.messages(maxSize: 1 << 16) {
                    guard case .text(let text) = message else { continue }
                    let reply = await session.receive(text)
                    try await outbound.write(.text(reply))
                }
            }
            group.addTask {
                for await event in events {
                    if faults.generation != generation { throw CancellationError() }  // drop fault: close
                    let notes = await session.notifications(for: event)
                    if notes.isEmpty { continue }
                    if faults.active(.delay) { try await Task.sleep(for: .milliseconds(faults.delayMs)) }
                    for n in notes {
                        try await outbound.write(.text(n))
                        if faults.active(.duplicate) { try await outbound.write(.text(n)) }
                    }
                    if faults.active(.olderSlot) {
                        for account in event.changed {
                            if let old = cluster.previousVersion(account.address), old.slot < event.slot {
                                for n in await session.stale(old) { try await outbound.write(.text(n)) }
                            }
                        }
                    }
                }
            }
            group.addTask {
                // Watch for a drop fault even when no slot events arrive.
                while faults.generation == generation { try await Task.sleep(for: .milliseconds(50)) }
                throw CancellationError()
            }
            do { try await group.next() } catch is CancellationError {}
            group.cancelAll()
        }
    }
}

/// Serialises access to one connection's session state.
actor SessionBox {
    var session: PubSubSession
    init(_ s: PubSubSession) { session = s }
    func receive(_ text: String) -> String { session.receive(text) }
    func notifications(for e: SlotEvent) -> [String] { session.notifications(for: e) }
    func stale(_ a: AccountData) -> [String] { session.staleNotifications(a) }
}

/// Advances the cluster one slot every `millis` (paused clusters skip swaps and slots).
struct SlotClock {
    let cluster: Cluster
    let millis: Int
    func run() async throws {
        while !Task.isCancelled {
            try await Task.sleep(for: .milliseconds(millis))
            cluster.advance()
        }
    }
}

/// Stall fault: while active, every byte the server would write (notifications, replies and
/// pongs) is silently discarded, so the client sees a connection that is open but dead.
// @unchecked Sendable: no mutable state (`faults` is a let and locks itself); write(context:) runs on the channel's event loop.
final class StallHandler: ChannelOutboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData
    let faults: FaultState
    init(faults: FaultState) { self.faults = faults }
    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if faults.active(.stall) {
            promise?.succeed(())
            return
        }
        context.write(data, promise: promise)
    }
}
