import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOWebSocket
import SolanaCore

/// What a PubSub connection delivers to its owner.
public enum PubSubEvent: Sendable {
    /// An account's new state; `receivedAt` is the monotonic time the frame arrived (for latency).
    case account(AccountData, receivedAt: Double)
    case slot(UInt64)
    /// A frame that could not be read (counted; the connection stays up).
    case malformed(String)
    /// The connection ended; nil error = closed by us.
    case closed(Error?)
}

/// One Solana PubSub WebSocket connection: `accountSubscribe` (base64, the given commitment),
/// `accountUnsubscribe`, `programSubscribe` / `programUnsubscribe` (notifications of accounts
/// outside `followProgramAccounts` are dropped before their data is decoded), `slotSubscribe`, a ping every interval and a silence deadline (no frame
/// at all, pongs included, for that long closes it with `TransportError.silent`). Dialed through
/// `Dialer`, so proxies and TLS apply on every connect.
///
/// ```swift
/// let ws = try await PubSubConnection.connect(url: "ws://127.0.0.1:8900", dialer: dialer, options: .init())
/// let subId = try await ws.subscribe(account: pool, commitment: "confirmed")
/// for await event in ws.events { if case .account(let a, _) = event { store.apply(a, …) } }
/// ```
// @unchecked Sendable: immutable after init (url, events, channel and state are lets); the mutable state lives in `PubSubState`.
public final class PubSubConnection: @unchecked Sendable {
    public struct Options: Sendable {
        public var pingIntervalSeconds: Double = 10
        public var silenceDeadlineSeconds: Double = 30
        public var connectTimeoutSeconds: Double = 10
        public var requestTimeoutSeconds: Double = 10
        /// Largest frame (after reassembly) accepted from the server.
        public var maxFrameBytes = 8 << 20
        /// Events buffered for a consumer that falls behind (a provider burst, a stalled engine). Past it
        /// the connection is closed rather than memory growing: the reconnect re-snapshots, so nothing is lost.
        public var maxBufferedEvents = 65_536
        public init(
            pingIntervalSeconds: Double = 10, silenceDeadlineSeconds: Double = 30, connectTimeoutSeconds: Double = 10,
            requestTimeoutSeconds: Double = 10
        ) {
            self.pingIntervalSeconds = pingIntervalSeconds; self.silenceDeadlineSeconds = silenceDeadlineSeconds
            self.connectTimeoutSeconds = connectTimeoutSeconds; self.requestTimeoutSeconds = requestTimeoutSeconds
        }
    }

    public let url: EndpointURL
    public let events: AsyncStream<PubSubEvent>
    let channel: any Channel
    let state: PubSubState

    private init(url: EndpointURL, channel: any Channel, state: PubSubState, events: AsyncStream<PubSubEvent>) {
        self.url = url; self.channel = channel; self.state = state; self.events = events
    }

    /// Dials (proxy, TLS), upgrades to WebSocket and starts the keepalive.
    public static func connect(url text: String, dialer: Dialer, options: Options, logger: Logger = Logger(label: "pubsub")) async throws
        -> PubSubConnection
    {
        let url = try EndpointURL(text)
        guard url.isWebSocket else { throw TransportError.badURL("\(url) is not a ws(s) URL") }
        let channel = try await dialer.connect(to: url)
        let (events, continuation) = AsyncStream<PubSubEvent>.makeStream(bufferingPolicy: .bufferingOldest(options.maxBufferedEvents))
        let state = PubSubState(continuation: continuation, options: options)
        let upgraded = channel.eventLoop.makePromise(of: Void.self)
        let guardHandler = UpgradeGuard(promise: upgraded)
        let frames = PubSubFrameHandler(state: state)
        let maxFrame = options.maxFrameBytes
        let upgrader = NIOWebSocketClientUpgrader(maxFrameSize: maxFrame, automaticErrorHandling: true) { channel, _ in
            channel.eventLoop.makeCompletedFuture {
                // The guard reads HTTP parts: it must leave before the first WebSocket frame arrives.
                guardHandler.upgraded(channel)
                try channel.pipeline.syncOperations.addHandler(
                    NIOWebSocketFrameAggregator(minNonFinalFragmentSize: 1, maxAccumulatedFrameCount: 4_096, maxAccumulatedFrameSize: maxFrame))
                try channel.pipeline.syncOperations.addHandler(frames)
            }
        }
        do {
            try await channel.eventLoop.submit {
                guard channel.isActive else { throw TransportError.connectionClosed }
                try channel.pipeline.syncOperations.addHTTPClientHandlers(withClientUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
                try channel.pipeline.syncOperations.addHandler(guardHandler)
                var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: url.requestTarget)
                head.headers.add(name: "Host", value: url.authority)
                head.headers.add(name: "Content-Length", value: "0")
                head.headers.add(name: "User-Agent", value: "solana-pool-cache")
                channel.write(HTTPClientRequestPart.head(head), promise: nil)
                channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
            }.get()
            let timeout = channel.eventLoop.scheduleTask(in: .milliseconds(Int64(options.connectTimeoutSeconds * 1000))) {
                // Directly: a torn-down pipeline would swallow a fired error (second completion is ignored).
                upgraded.fail(TransportError.connectTimeout("WebSocket upgrade with \(url)"))
            }
            defer { timeout.cancel() }
            try await upgraded.futureResult.get()
        } catch {
            channel.close(promise: nil)
            continuation.finish()
            throw error
        }
        let connection = PubSubConnection(url: url, channel: channel, state: state, events: events)
        connection.startKeepalive()
        return connection
    }

    private func startKeepalive() {
        let interval = TimeAmount.milliseconds(Int64(max(0.02, state.options.pingIntervalSeconds) * 1000))
        // Silence is checked more often than we ping, so a dead link is noticed within ~deadline + interval/4.
        let check = TimeAmount.milliseconds(Int64(max(0.02, min(state.options.pingIntervalSeconds, state.options.silenceDeadlineSeconds) / 4) * 1000))
        let channel = self.channel, state = self.state
        var lastPing = ProcessInfo.processInfo.systemUptime
        channel.eventLoop.scheduleRepeatedTask(initialDelay: check, delay: check) { task in
            guard channel.isActive else { task.cancel(); return }
            let now = ProcessInfo.processInfo.systemUptime
            if now - state.lastInboundAt > state.options.silenceDeadlineSeconds {
                task.cancel()
                channel.pipeline.fireErrorCaught(TransportError.silent(seconds: state.options.silenceDeadlineSeconds))
                return
            }
            if now - lastPing >= Double(interval.nanoseconds) / 1e9 {
                lastPing = now
                let frame = WebSocketFrame(fin: true, opcode: .ping, maskKey: .random(), data: channel.allocator.buffer(string: "k"))
                channel.writeAndFlush(frame, promise: nil)
            }
        }
    }

    /// Monotonic time of the last frame received (any kind).
    public var lastInboundAt: Double { state.lastInboundAt }
    /// Account subscriptions (program subscriptions not included).
    public var subscriptionCount: Int { state.subscriptionCount }
    public var programSubscriptionCount: Int { state.programSubscriptionCount }
    public var subscribedPrograms: [ProgramSubscription] { state.subscribedPrograms }
    /// Notifications received (account and program) and program notifications dropped as unfollowed.
    public var notificationCounts: (received: UInt64, unfollowed: UInt64) { state.notificationCounts }

    /// The accounts this connection's program subscriptions deliver; any other account they
    /// notify is dropped undecoded (counted in `notificationCounts.unfollowed`).
    public func followProgramAccounts(_ keys: Set<Pubkey>) { state.setFollowed(keys) }

    /// Subscribes to a program's accounts (filters, base64, the given commitment); returns the subscription id.
    @discardableResult
    public func subscribe(program: ProgramSubscription, commitment: String) async throws -> UInt64 {
        let value = try await request("programSubscribe", params: program.params(commitment: commitment), target: .program(program))
        guard case .subscription(let id) = value else { throw TransportError.badReply("programSubscribe: not a subscription id") }
        return id
    }

    /// Unsubscribes a program subscription (no-op when it is not subscribed here).
    public func unsubscribe(program: ProgramSubscription) async throws {
        guard let sub = state.forget(program: program) else { return }
        _ = try await request("programUnsubscribe", params: .array([.number(String(sub))]), target: nil)
    }

    /// Subscribes to one account; returns the server's subscription id.
    @discardableResult
    public func subscribe(account: Pubkey, commitment: String) async throws -> UInt64 {
        let params = JSONText.array([.string(account.base58), .object([("encoding", .string("base64")), ("commitment", .string(commitment))])])
        let value = try await request("accountSubscribe", params: params, target: .account(account))
        guard case .subscription(let id) = value else { throw TransportError.badReply("accountSubscribe: not a subscription id") }
        return id
    }

    /// Subscribes to many accounts with the requests pipelined (all sent, then all awaited).
    /// Returns the accounts whose subscription failed, with the reason.
    public func subscribe(accounts: [Pubkey], commitment: String) async -> [(Pubkey, Error)] {
        await withTaskGroup(of: (Pubkey, Error)?.self) { group in
            for key in accounts {
                group.addTask {
                    do { _ = try await self.subscribe(account: key, commitment: commitment); return nil } catch { return (key, error) }
                }
            }
            var failed: [(Pubkey, Error)] = []
            for await f in group { if let f { failed.append(f) } }
            return failed
        }
    }

    /// Unsubscribes an account (no-op when it is not subscribed here).
    public func unsubscribe(account: Pubkey) async throws {
        guard let sub = state.forget(account: account) else { return }
        _ = try await request("accountUnsubscribe", params: .array([.number(String(sub))]), target: nil)
    }

    public func slotSubscribe() async throws {
        _ = try await request("slotSubscribe", params: .array([]), target: nil)
    }

    public var subscribedAccounts: [Pubkey] { state.subscribedAccounts }

    public func close() {
        state.markClosedByUs()
        channel.close(promise: nil)
    }

    func request(_ method: String, params: JSONText, target: PubSubState.Target?) async throws -> PubSubMessage.ReplyValue {
        let id = state.nextRequestId()
        let text = JSONText.object([("jsonrpc", .string("2.0")), ("id", .number(String(id))), ("method", .string(method)), ("params", params)])
            .rendered
        let channel = self.channel, state = self.state
        return try await withCheckedThrowingContinuation { continuation in
            guard state.register(id: id, target: target, continuation: continuation) else { return }
            let frame = WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: channel.allocator.buffer(string: text))
            channel.writeAndFlush(frame).whenFailure { error in state.complete(id: id, with: .failure(error)) }
            channel.eventLoop.scheduleTask(in: .milliseconds(Int64(state.options.requestTimeoutSeconds * 1000))) {
                state.complete(id: id, with: .failure(TransportError.requestTimeout("\(method) on \(self.url)")))
            }
        }
    }
}

/// Shared state between the connection's API (any thread) and its handler (event loop).
// @unchecked Sendable: `lock` guards pending, accountBySub, subByAccount, programBySub, subByProgram, followed,
// received, unfollowed, requestId, finished, closedByUs and _lastInboundAt.
final class PubSubState: @unchecked Sendable {
    /// What a subscribe request subscribes (its reply's id maps to it).
    enum Target { case account(Pubkey), program(ProgramSubscription) }
    let lock = NSLock()
    let continuation: AsyncStream<PubSubEvent>.Continuation
    let options: PubSubConnection.Options
    private var pending: [UInt64: (target: Target?, continuation: CheckedContinuation<PubSubMessage.ReplyValue, Error>)] = [:]
    private var accountBySub: [UInt64: Pubkey] = [:]
    private var subByAccount: [Pubkey: UInt64] = [:]
    private var programBySub: [UInt64: ProgramSubscription] = [:]
    private var subByProgram: [ProgramSubscription: UInt64] = [:]
    private var followed: Set<Pubkey> = []
    private var received: UInt64 = 0
    private var unfollowed: UInt64 = 0
    private var requestId: UInt64 = 1
    private var finished = false
    private var _lastInboundAt = ProcessInfo.processInfo.systemUptime
    private var closedByUs = false
    func markClosedByUs() { lock.withLock { closedByUs = true } }

    init(continuation: AsyncStream<PubSubEvent>.Continuation, options: PubSubConnection.Options) {
        self.continuation = continuation; self.options = options
    }

    var lastInboundAt: Double { lock.withLock { _lastInboundAt } }
    func touch(_ now: Double) { lock.withLock { _lastInboundAt = now } }
    var subscriptionCount: Int { lock.withLock { accountBySub.count } }
    var subscribedAccounts: [Pubkey] { lock.withLock { Array(subByAccount.keys) } }
    var programSubscriptionCount: Int { lock.withLock { programBySub.count } }
    var subscribedPrograms: [ProgramSubscription] { lock.withLock { Array(subByProgram.keys) } }
    var notificationCounts: (received: UInt64, unfollowed: UInt64) { lock.withLock { (received, unfollowed) } }
    func setFollowed(_ keys: Set<Pubkey>) { lock.withLock { followed = keys } }
    func isFollowed(_ key: Pubkey) -> Bool { lock.withLock { followed.contains(key) } }
    /// Counts one notification; for a program notification, whether its subscription is still ours.
    func noteNotification(unfollowed isUnfollowed: Bool = false, programSubscription: UInt64? = nil) -> Bool {
        lock.withLock {
            received += 1
            if isUnfollowed { unfollowed += 1 }
            return programSubscription.map { programBySub[$0] != nil } ?? true
        }
    }

    func nextRequestId() -> UInt64 {
        lock.withLock {
            defer { requestId += 1 }; return requestId
        }
    }

    func register(id: UInt64, target: Target?, continuation c: CheckedContinuation<PubSubMessage.ReplyValue, Error>) -> Bool {
        let ok = lock.withLock { () -> Bool in
            if finished { return false }
            pending[id] = (target, c)
            return true
        }
        if !ok { c.resume(throwing: TransportError.connectionClosed) }
        return ok
    }

    func complete(id: UInt64, with result: Result<PubSubMessage.ReplyValue, Error>) {
        let entry: CheckedContinuation<PubSubMessage.ReplyValue, Error>? = lock.withLock {
            guard let p = pending.removeValue(forKey: id) else { return nil }
            // Record the mapping before resuming, so the next notification already finds its account.
            if case .success(.subscription(let sub)) = result {
                switch p.target {
                case .account(let account):
                    if let old = subByAccount[account] { accountBySub.removeValue(forKey: old) }
                    accountBySub[sub] = account
                    subByAccount[account] = sub
                case .program(let program):
                    if let old = subByProgram[program] { programBySub.removeValue(forKey: old) }
                    programBySub[sub] = program
                    subByProgram[program] = sub
                case nil: break
                }
            }
            return p.continuation
        }
        entry?.resume(with: result)
    }

    func account(forSubscription sub: UInt64) -> Pubkey? { lock.withLock { accountBySub[sub] } }

    func forget(program: ProgramSubscription) -> UInt64? {
        lock.withLock {
            guard let sub = subByProgram.removeValue(forKey: program) else { return nil }
            programBySub.removeValue(forKey: sub)
            return sub
        }
    }

    func forget(account: Pubkey) -> UInt64? {
        lock.withLock {
            guard let sub = subByAccount.removeValue(forKey: account) else { return nil }
            accountBySub.removeValue(forKey: sub)
            return sub
        }
    }

    func finish(_ error: Error?) {
        let waiting: [CheckedContinuation<PubSubMessage.ReplyValue, Error>] = lock.withLock {
            if finished { return [] }
            finished = true
            defer { pending = [:] }
            return pending.values.map(\.continuation)
        }
        for w in waiting { w.resume(throwing: error ?? TransportError.connectionClosed) }
        continuation.yield(.closed(lock.withLock { closedByUs } ? nil : (error ?? TransportError.connectionClosed)))
        continuation.finish()
    }
}

/// Reads WebSocket frames on the event loop: parses text frames (the hot path), answers pings,
/// routes replies to waiting requests and notifications to the event stream.
// @unchecked Sendable: `parser` and `error` are touched only in handler callbacks, on the channel's event loop; `state` locks itself.
final class PubSubFrameHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame
    let state: PubSubState
    private var parser = PubSubParser()
    private var error: Error?

    init(state: PubSubState) { self.state = state }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        let now = ProcessInfo.processInfo.systemUptime
        state.touch(now)
        switch frame.opcode {
        case .text, .binary:
            let payload = frame.unmaskedData
            let state = self.state
            let message: Result<PubSubMessage, Error> = payload.withUnsafeReadableBytes { raw in
                raw.withMemoryRebound(to: UInt8.self) { bytes in Result { try parser.parse(bytes, follows: state.isFollowed) } }
            }
            switch message {
            case .success(let m):
                if !route(m, receivedAt: now) {
                    if error == nil { error = TransportError.consumerBehind(state.options.maxBufferedEvents) }
                    context.close(promise: nil)
                }
            case .failure(let e): state.continuation.yield(.malformed("\(e)"))
            }
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .connectionClose:
            context.close(promise: nil)
        default:
            break  // pongs only refresh the silence clock
        }
    }

    /// Routes one message; false when the event stream's buffer is full (the consumer is behind).
    private func route(_ message: PubSubMessage, receivedAt: Double) -> Bool {
        switch message {
        case .account(let n):
            _ = state.noteNotification()
            guard let key = state.account(forSubscription: n.subscription) else { return true }  // unsubscribed meanwhile
            if case .dropped = state.continuation.yield(.account(n.account(address: key), receivedAt: receivedAt)) { return false }
        case let .programAccount(sub, account):
            guard state.noteNotification(programSubscription: sub) else { return true }  // unsubscribed meanwhile
            if case .dropped = state.continuation.yield(.account(account, receivedAt: receivedAt)) { return false }
        case .unfollowed(let sub):
            _ = state.noteNotification(unfollowed: true, programSubscription: sub)
        case let .slot(_, slot):
            if case .dropped = state.continuation.yield(.slot(slot)) { return false }
        case let .result(id, value):
            state.complete(id: id, with: .success(value))
        case let .error(id, code, message):
            if let id {
                state.complete(id: id, with: .failure(TransportError.rpc(code: code, message: message)))
            } else {
                state.continuation.yield(.malformed("server error \(code): \(message)"))
            }
        case .other:
            break
        }
        return true
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if self.error == nil { self.error = error }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        state.finish(error)
        context.fireChannelInactive()
    }
}

/// Fails the upgrade promise when the server answers the GET with anything but a WebSocket
/// upgrade (or the link breaks first); succeeds it once the upgrader has run.
// @unchecked Sendable: `done` is read and written only on the channel's event loop (handler callbacks, the upgrader's completion).
final class UpgradeGuard: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart
    let promise: EventLoopPromise<Void>
    private var done = false
    init(promise: EventLoopPromise<Void>) { self.promise = promise }

    func upgraded(_ channel: any Channel) {
        guard !done else { return }
        done = true
        channel.pipeline.syncOperations.removeHandler(self, promise: nil)
        promise.succeed(())
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) { fail(context, TransportError.upgradeRejected("HTTP \(head.status.code)")) }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        fail(context, error)
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(context, TransportError.connectionClosed)
        context.fireChannelInactive()
    }

    private func fail(_ context: ChannelHandlerContext, _ error: Error) {
        guard !done else { return }
        done = true
        promise.fail(error)
        context.close(promise: nil)
    }
}
