import Foundation
import Logging
import NIOCore
import NIOPosix

/// A NATS client over swift-nio: one connection at a time to one of the cluster's servers,
/// reconnecting with backoff across them; subscriptions survive reconnects. Publishing never
/// blocks: bytes go to a bounded outbox drained on the event loop, and what does not fit (or
/// finds no connection) is dropped and counted, for the caller to recover.
///
/// ```swift
/// let client = NATSClient(options: NATSClientOptions(urls: ["nats://127.0.0.1:4222"]))
/// let run = Task { try await client.run() }            // until cancelled
/// client.subscribe("spc.shard.*") { message in … }     // on the event loop: keep it short
/// client.publish("spc.shard.a", payload: Array("{}".utf8))
/// let reply = try await client.request("$JS.API.INFO", payload: [])
/// ```
// @unchecked Sendable: `lock` guards every var.
public final class NATSClient: @unchecked Sendable {
    public enum State: String, Sendable { case connecting, connected, disconnected, closed }

    /// Monotonic over reconnects.
    public struct Stats: Sendable, Equatable {
        public var published: UInt64 = 0
        /// Publishes dropped: no connection, outbox full, socket not writable, payload over max_payload.
        public var dropped: UInt64 = 0
        public var received: UInt64 = 0
        public var connects: UInt64 = 0
        public var disconnects: UInt64 = 0
        public var lastError: String?
        public var server: String?
        public init() {}
    }

    public typealias Handler = @Sendable (NATSMessage) -> Void

    public let options: NATSClientOptions
    let logger: Logger
    let group: any EventLoopGroup
    /// Reply subjects of `request` are `<inbox>.<n>`.
    public let inbox: String
    static let inboxSid = "0"

    private let lock = NSLock()
    private var state: State = .disconnected
    private var channel: Channel?
    private var generation = 0
    private var outbox: [UInt8] = []
    private var flushScheduled = false
    private var subscriptions: [String: (subject: String, handler: Handler)] = [:]
    private var nextSid = 1
    private var requests: [String: EventLoopPromise<NATSMessage>] = [:]
    private var nextRequest = 0
    private var pongWaiters: [EventLoopPromise<Void>] = []
    private var infoWaiter: EventLoopPromise<String>?
    private var stats = Stats()
    private var info = NATSServerInfo()
    private var endpoints: [NATSEndpoint]
    private var connectHandlers: [@Sendable () async -> Void] = []
    private var closed = false

    public init(options: NATSClientOptions, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger = Logger(label: "nats"))
        throws(NATSError)
    {
        self.options = options; self.group = group; self.logger = logger
        var eps: [NATSEndpoint] = []
        for u in options.urls { eps.append(try NATSEndpoint(url: u)) }
        guard !eps.isEmpty else { throw .badURL("(none)") }
        endpoints = eps
        inbox = "_INBOX.\(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(22))"
    }

    public var currentState: State { lock.withLock { state } }
    public var statistics: Stats { lock.withLock { stats } }
    public var serverInfo: NATSServerInfo { lock.withLock { info } }
    /// Configured servers first, then those the cluster announced.
    public var knownEndpoints: [NATSEndpoint] { lock.withLock { endpoints } }

    /// Runs after every (re)connect, once subscriptions are back (JetStream setup, republishing);
    /// cancelled if the connection drops meanwhile.
    public func onConnect(_ handler: @escaping @Sendable () async -> Void) { lock.withLock { connectHandlers.append(handler) } }

    // MARK: connection loop

    /// Connects and reconnects until cancelled or `close()`.
    public func run() async throws {
        var attempt = 0
        var index = 0
        var rng = SystemRandomNumberGenerator()
        defer { lock.withLock { state = .closed } }
        try await withTaskCancellationHandler {
            while !Task.isCancelled && !lock.withLock({ closed }) {
                let endpoint = lock.withLock { endpoints[index % endpoints.count] }
                index += 1
                do {
                    let channel = try await connect(endpoint)
                    attempt = 0
                    try await serve(channel)
                } catch is CancellationError {
                    break
                } catch {
                    lock.withLock { stats.lastError = "\(endpoint): \(error)" }
                    logger.debug("nats: \(endpoint): \(error)")
                }
                disconnected()
                if Task.isCancelled { break }
                attempt += 1
                // Every server once quickly, then back off (jittered, capped).
                let count = lock.withLock { endpoints.count }
                let rounds = max(0, attempt / max(1, count))
                let ceiling = min(options.reconnectMaxSeconds, options.reconnectInitialSeconds * Double(1 << min(rounds, 20)))
                try await Task.sleep(nanoseconds: UInt64(ceiling * Double.random(in: 0.5...1, using: &rng) * 1e9))
            }
        } onCancel: {
            self.lock.withLock { self.channel }?.close(promise: nil)
        }
    }

    /// Stops the connection loop and closes the connection.
    public func close() {
        let ch = lock.withLock {
            closed = true; return channel
        }
        ch?.close(promise: nil)
    }

    private func connect(_ endpoint: NATSEndpoint) async throws -> Channel {
        let gen = lock.withLock { () -> Int in
            state = .connecting; generation += 1
            return generation
        }
        // Registered before connecting: the server's INFO is its first line and may beat any later registration.
        let infoPromise = group.next().makePromise(of: String.self)
        lock.withLock { infoWaiter = infoPromise }
        let high = max(64 << 10, options.maxPendingBytes)
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(.milliseconds(Int64(options.connectTimeoutSeconds * 1000)))
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelOption(ChannelOptions.writeBufferWaterMark, value: .init(low: high / 2, high: high))
            .channelInitializer { ch in
                ch.eventLoop.makeCompletedFuture {
                    try ch.pipeline.syncOperations.addHandler(
                        NATSChannelHandler(
                            deliver: { [weak self] op in self?.handle(op, generation: gen) },
                            failed: { [weak self] e in self?.lock.withLock { self?.stats.lastError = "\(e)" } }))
                }
            }
            .connect(host: endpoint.host, port: endpoint.port).get()
        do {
            fail(infoPromise, after: options.connectTimeoutSeconds, "INFO from \(endpoint)", on: channel.eventLoop)
            let serverInfo = try NATSServerInfo(json: try await infoPromise.futureResult.get())
            let pong = channel.eventLoop.makePromise(of: Void.self)
            lock.withLock {
                pongWaiters.append(pong); info = serverInfo
            }
            fail(pong, after: options.connectTimeoutSeconds, "CONNECT to \(endpoint)", on: channel.eventLoop)
            var hello = NATSEncoder.connect(connectJSON()) + NATSEncoder.ping
            // Subscriptions are re-sent before anything else is written on the new connection.
            let (resubscribe, resent) = lock.withLock {
                (subscriptions.map { NATSEncoder.sub(subject: $0.value.subject, sid: $0.key) }, Set(subscriptions.keys))
            }
            hello += resubscribe.joined()
            hello += NATSEncoder.sub(subject: inbox + ".*", sid: Self.inboxSid)
            try await channel.writeAndFlush(channel.allocator.buffer(bytes: hello)).get()
            try await pong.futureResult.get()
            let missed = lock.withLock { () -> Bool in
                self.channel = channel; state = .connected; stats.connects += 1; stats.server = endpoint.description
                // A subscription made while this connection was being set up missed both the list
                // above and the wire (`subscribe` found no connection): it goes out first now.
                outbox = subscriptions.filter { !resent.contains($0.key) }.flatMap { NATSEncoder.sub(subject: $0.value.subject, sid: $0.key) }
                flushScheduled = !outbox.isEmpty
                for u in serverInfo.connectURLs {
                    if let e = try? NATSEndpoint(url: u), !endpoints.contains(e) { endpoints.append(e) }
                }
                return flushScheduled
            }
            if missed { channel.eventLoop.execute { self.drain(channel) } }
            logger.info("nats: connected to \(endpoint) (\(serverInfo.serverName), \(serverInfo.version))")
            return channel
        } catch {
            channel.close(promise: nil)
            throw error
        }
    }

    private func connectJSON() -> String {
        var o: [String: Any] = [
            "verbose": false, "pedantic": false, "headers": true, "no_responders": true, "protocol": 1,
            "lang": "swift", "version": "0.1", "name": options.name, "tls_required": false,
        ]
        if let t = options.token { o["auth_token"] = t }
        if let u = options.user { o["user"] = u }
        if let p = options.password { o["pass"] = p }
        // `JSONSerialization` of strings, numbers and bools cannot fail.
        let data = (try? JSONSerialization.data(withJSONObject: o, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// Until the connection closes: PINGs every `pingIntervalSeconds`, connect handlers alongside.
    private func serve(_ channel: Channel) async throws {
        let handlers = lock.withLock { connectHandlers }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await channel.closeFuture.get() }
            group.addTask { [self] in
                while true {
                    try await Task.sleep(nanoseconds: UInt64(options.pingIntervalSeconds * 1e9))
                    do { try await flush(timeout: options.pingIntervalSeconds * 2) } catch {
                        logger.warning("nats: server stopped answering PINGs; reconnecting")
                        channel.close(promise: nil)
                        return
                    }
                }
            }
            for h in handlers {
                group.addTask {
                    await h(); try await Task.sleep(nanoseconds: .max / 2)
                }
            }
            _ = try await group.next()
            group.cancelAll()
        }
    }

    private func disconnected() {
        let (pending, pongs, info) = lock.withLock {
            let wasConnected = state == .connected
            if wasConnected { stats.disconnects += 1 }
            channel = nil; state = .disconnected; outbox = []; flushScheduled = false
            let r = requests, p = pongWaiters, i = infoWaiter
            requests = [:]; pongWaiters = []; infoWaiter = nil
            return (r, p, i)
        }
        for p in pending.values { p.fail(NATSError.notConnected) }
        for p in pongs { p.fail(NATSError.notConnected) }
        info?.fail(NATSError.notConnected)
    }

    private func fail<T>(_ promise: EventLoopPromise<T>, after seconds: Double, _ what: String, on loop: any EventLoop) {
        loop.scheduleTask(in: .milliseconds(Int64(seconds * 1000))) { promise.fail(NATSError.timeout(what)) }
    }

    // MARK: inbound

    private func handle(_ op: NATSServerOp, generation gen: Int) {
        switch op {
        case .info(let json):
            let waiter = lock.withLock { () -> EventLoopPromise<String>? in
                guard gen == generation else { return nil }
                defer { infoWaiter = nil }
                return infoWaiter
            }
            if let waiter { waiter.succeed(json); return }
            // A later INFO: the cluster changed; learn its servers.
            if let i = try? NATSServerInfo(json: json) {
                lock.withLock {
                    for u in i.connectURLs {
                        if let e = try? NATSEndpoint(url: u), !endpoints.contains(e) { endpoints.append(e) }
                    }
                }
            }
        case .pong:
            let waiter = lock.withLock { pongWaiters.isEmpty ? nil : pongWaiters.removeFirst() }
            waiter?.succeed(())
        case .ping, .ok:
            break
        case .err(let text):
            logger.warning("nats: -ERR \(text)")
            // During the handshake an -ERR is the verdict on CONNECT (authorization).
            let waiter = lock.withLock { () -> EventLoopPromise<Void>? in
                stats.lastError = text
                return state == .connecting && !pongWaiters.isEmpty ? pongWaiters.removeFirst() : nil
            }
            waiter?.fail(NATSError.server(text))
        case .msg(let m):
            if m.sid == Self.inboxSid {
                let token = m.subject.split(separator: ".").last.map(String.init) ?? ""
                let p = lock.withLock { requests.removeValue(forKey: token) }
                p?.succeed(m)
                return
            }
            let handler = lock.withLock { () -> Handler? in
                stats.received += 1
                return subscriptions[m.sid]?.handler
            }
            handler?(m)
        }
    }

    // MARK: outbound

    /// Queues a message; false (and counted in `dropped`) when it cannot be sent now.
    @discardableResult
    public func publish(_ subject: String, replyTo: String? = nil, headers: NATSHeaders? = nil, payload: [UInt8]) -> Bool {
        var bytes: [UInt8] = []
        let encoded = headers?.encoded
        if let encoded {
            NATSEncoder.hpub(into: &bytes, subject: subject, replyTo: replyTo, encodedHeaders: encoded, payload: payload)
        } else {
            NATSEncoder.pub(into: &bytes, subject: subject, replyTo: replyTo, payload: payload)
        }
        let size = payload.count + (encoded?.count ?? 0)
        return enqueue(bytes, control: false, payloadSize: size)
    }

    private func enqueue(_ bytes: [UInt8], control: Bool, payloadSize: Int = 0) -> Bool {
        let (ch, schedule, ok): (Channel?, Bool, Bool) = lock.withLock {
            guard state == .connected, let ch = channel else {
                if !control { stats.dropped += 1 }
                return (nil, false, false)
            }
            if !control && (outbox.count + bytes.count > options.maxPendingBytes || !ch.isWritable || payloadSize > info.maxPayload) {
                stats.dropped += 1
                return (nil, false, false)
            }
            outbox += bytes
            if !control { stats.published += 1 }
            if flushScheduled { return (ch, false, true) }
            flushScheduled = true
            return (ch, true, true)
        }
        if schedule, let ch { ch.eventLoop.execute { self.drain(ch) } }
        return ok
    }

    private func drain(_ ch: Channel) {
        let bytes = lock.withLock { () -> [UInt8] in
            defer { outbox = []; flushScheduled = false }
            return channel === ch ? outbox : []
        }
        guard !bytes.isEmpty else { return }
        ch.writeAndFlush(ch.allocator.buffer(bytes: bytes), promise: nil)
    }

    /// Subscribes (now, and again after every reconnect); returns the sid for `unsubscribe`.
    @discardableResult
    public func subscribe(_ subject: String, handler: @escaping Handler) -> String {
        let sid = lock.withLock { () -> String in
            nextSid += 1
            let sid = "\(nextSid)"
            subscriptions[sid] = (subject, handler)
            return sid
        }
        _ = enqueue(NATSEncoder.sub(subject: subject, sid: sid), control: true)
        return sid
    }

    public func unsubscribe(_ sid: String) {
        guard lock.withLock({ subscriptions.removeValue(forKey: sid) }) != nil else { return }
        _ = enqueue(NATSEncoder.unsub(sid: sid), control: true)
    }

    /// A PING answered by a PONG: everything written before it has reached the server.
    public func flush(timeout: Double? = nil) async throws {
        guard let loop = lock.withLock({ channel?.eventLoop }) else { throw NATSError.notConnected }
        let pong = loop.makePromise(of: Void.self)
        lock.withLock { pongWaiters.append(pong) }
        fail(pong, after: timeout ?? options.requestTimeoutSeconds, "PING", on: loop)
        guard enqueue(NATSEncoder.ping, control: true) else { throw NATSError.notConnected }
        try await pong.futureResult.get()
    }

    /// Publishes with a reply subject and waits for the first answer; a 503 status is `noResponders`.
    public func request(_ subject: String, payload: [UInt8], timeout: Double? = nil) async throws -> NATSMessage {
        let (loop, token): ((any EventLoop)?, String) = lock.withLock {
            nextRequest += 1
            return (channel?.eventLoop, "\(nextRequest)")
        }
        guard let loop else { throw NATSError.notConnected }
        let promise = loop.makePromise(of: NATSMessage.self)
        lock.withLock { requests[token] = promise }
        loop.scheduleTask(in: .milliseconds(Int64((timeout ?? options.requestTimeoutSeconds) * 1000))) { [weak self] in
            _ = self?.lock.withLock { self?.requests.removeValue(forKey: token) }
            promise.fail(NATSError.timeout("request on \(subject)"))
        }
        var bytes: [UInt8] = []
        NATSEncoder.pub(into: &bytes, subject: subject, replyTo: "\(inbox).\(token)", payload: payload)
        guard enqueue(bytes, control: true) else {
            _ = lock.withLock { requests.removeValue(forKey: token) }
            throw NATSError.notConnected
        }
        let reply = try await promise.futureResult.get()
        if reply.status == 503 { throw NATSError.noResponders(subject) }
        return reply
    }
}
