import Cache
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import Geyser
import Ingest
import Logging
import RPC
import SolanaCore

/// The Yellowstone gRPC account source: one Geyser `Subscribe` stream (through the configured
/// proxy, `x-token` metadata) whose account filters list every followed pubkey, with the
/// configured commitment and a slot filter as heartbeat. Snapshot reads and re-snapshots go to
/// the JSON-RPC endpoints (`RPCAccountSource`). Updates are ordered per account by slot, then
/// `write_version`: anything not newer than what was applied is dropped, so replay overlaps and
/// duplicates are harmless. After a reconnect the stream resumes with `from_slot` (the last slot
/// seen) when the server's `SubscribeReplayInfo` says it still has it, else it re-reads
/// everything with `getMultipleAccounts`, once the new stream has sent its first slot (so the
/// subscription is live before the read). A stream silent for `silence_deadline_seconds` (pings
/// every `ping_interval_seconds` keep a healthy one talking) is replaced.
///
/// ```swift
/// let source = try GeyserAccountSource(config: yellowstone, ingest: ingestConfig, logger: logger)
/// let engine = IngestEngine(store: store, config: ingestConfig, source: source, logger: logger)
/// ```
// @unchecked Sendable: `lock` guards wanted, order, health, lastSlot, subscribed, skipReplayOnce and
// pending; the rest is immutable after init.
public final class GeyserAccountSource: ProgramAccountsReader, @unchecked Sendable {
    public let config: YellowstoneConfig
    public let ingest: IngestConfig
    let snapshots: RPCAccountSource
    let dialer: GeyserDialer
    let backoff: Backoff
    let logger: Logger
    /// Pubkeys per named account filter (providers cap the size of one filter).
    static let keysPerFilter = 5_000

    private let lock = NSLock()
    private var wanted: Set<Pubkey> = []
    private var order = WriteOrder()
    private var health: ConnectionHealth
    /// The highest slot any message of any stream carried (where a replay resumes).
    private var lastSlot: UInt64?
    /// What the last stream subscribed (a replay covers only those).
    private var subscribed: Set<Pubkey> = []
    /// The server refused `from_slot` (or has no replay): the next connect re-snapshots.
    private var skipReplayOnce = false
    /// Keys to re-read once the stream's slot reaches `afterSlot` (their filter is live by then).
    /// (Or once the pong to ping `afterPong` arrives: the server handles a stream's requests in
    /// order, so the pong proves the filter sent before that ping is in force, slots or not.)
    private var pending: [(keys: [Pubkey], afterSlot: UInt64, afterPong: Int32)] = []
    /// Keys `follow` added since the request task last looked.
    private var followedSince: Set<Pubkey> = []

    public init(config: YellowstoneConfig, ingest: IngestConfig, logger: Logger = Logger(label: "ingest")) throws {
        let url: EndpointURL
        do { url = try EndpointURL(config.endpoint) } catch {
            throw IngestError.badConfig("yellowstone endpoint \(Redact.endpoint(config.endpoint)): \(error)")
        }
        guard config.endpoint.hasPrefix("http://") || config.endpoint.hasPrefix("https://") else {
            throw IngestError.badConfig("yellowstone endpoint must be http:// or https:// (got \(Redact.endpoint(config.endpoint)))")
        }
        self.config = config
        self.ingest = ingest
        self.logger = logger
        snapshots = try RPCAccountSource(config: ingest, logger: logger)
        do {
            dialer = try GeyserDialer(
                endpoint: url, proxy: ingest.proxy, connectTimeoutSeconds: ingest.connectTimeoutSeconds, tlsCAFile: ingest.tlsCAFile)
        } catch { throw IngestError.badConfig("yellowstone TLS: \(error)") }
        backoff = Backoff(initial: ingest.backoffInitialSeconds, max: ingest.backoffMaxSeconds)
        health = ConnectionHealth(id: 0, endpoint: Redact.endpoint(config.endpoint), state: .connecting, subscriptions: 0, reconnects: 0)
        health.source = "yellowstone"
        health.stream = StreamStats()
    }

    // MARK: AccountSource

    public func read(_ keys: [Pubkey]) async throws -> [AccountData?] { try await snapshots.read(keys) }

    /// Discovery lists program accounts over the JSON-RPC side.
    public func programAccounts(
        _ program: Pubkey, filters: [ProgramAccountFilter], dataSlice: JSONRPCClient.DataSlice?
    ) async throws -> [AccountData] {
        try await snapshots.programAccounts(program, filters: filters, dataSlice: dataSlice)
    }

    /// The stream's request task sends the new filters within `requestPollSeconds`.
    public func follow(_ wanted: Set<Pubkey>) {
        lock.withLock {
            // Newly followed keys are re-read even when the stream's filter never dropped them
            // (removed and re-added between two requests): their updates were dropped meanwhile.
            followedSince.formUnion(wanted.subtracting(self.wanted))
            self.wanted = wanted
            order.keep(wanted)
        }
    }

    public func connections() -> [ConnectionHealth] { lock.withLock { [health] } }

    public func contribute(to counters: inout IngestCounters) { snapshots.contribute(to: &counters) }

    public func run(into sink: any AccountSink) async throws {
        var rng = SystemRandomNumberGenerator()
        var failures = 0
        while !Task.isCancelled {
            setHealth { $0.state = .connecting }
            do {
                let marks = StreamMarks()
                defer { if marks.live { failures = 0 } }
                try await session(sink, marks)
            } catch {
                if Task.isCancelled { break }
                setHealth { $0.lastError = self.scrub(error) }
                logger.warning("ingest: yellowstone stream on \(health(\.endpoint)) ended: \(scrub(error))")
            }
            if Task.isCancelled { break }
            failures += 1
            sink.record(.reconnect)
            setHealth {
                $0.reconnects += 1; $0.state = .backingOff
            }
            let wait = backoff.delay(attempt: failures, using: &rng)
            do { try await Task.sleep(nanoseconds: UInt64(wait * 1e9)) } catch { break }
        }
        setHealth {
            $0.state = .failed; $0.lastError = $0.lastError ?? "stopped"
        }
    }

    // MARK: one stream

    /// Connects, decides replay or re-snapshot, and streams until the stream fails.
    private func session(_ sink: any AccountSink, _ marks: StreamMarks) async throws {
        let transport = try await dialer.connect()
        setHealth { $0.state = .subscribing }
        try await withGRPCClient(transport: transport) { client in
            let geyser = Geyser_Geyser.Client(wrapping: client)
            var metadata: Metadata = [:]
            if let token = config.xToken { metadata.addString(token, forKey: "x-token") }
            let fromSlot = await replayStart(geyser, metadata)
            let (keys, reconnect) = lock.withLock { () -> (Set<Pubkey>, Bool) in
                let keys = wanted
                // After a replay only what the last stream did not cover needs a read.
                let read = fromSlot == nil ? keys : keys.subtracting(subscribed)
                // Ping 1 follows the first request (a request with a ping is only a ping).
                pending = read.isEmpty ? [] : [(keys: read.sorted(), afterSlot: UInt64(0), afterPong: Int32(1))]
                if fromSlot == nil { followedSince = [] }
                subscribed = keys
                return (keys, lastSlot != nil)
            }
            if reconnect {
                setHealth {
                    if fromSlot != nil { $0.stream?.replays += 1 } else { $0.stream?.resnapshots += 1 }
                }
                logger.info(
                    "ingest: yellowstone stream resumes \(fromSlot.map { "by replay from slot \($0)" } ?? "with a getMultipleAccounts re-snapshot")")
            }
            var options = CallOptions.defaults
            options.maxResponseMessageBytes = 64 << 20
            options.maxRequestMessageBytes = 64 << 20
            let first = request(keys, fromSlot: fromSlot)
            setHealth {
                $0.stream?.filters = first.accounts.count; $0.subscriptions = keys.count
            }
            do {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        try await geyser.subscribe(
                            metadata: metadata, options: options,
                            requestProducer: { writer in try await self.produce(writer, first: first, sent: keys) },
                            onResponse: { response in try await self.consume(response.messages, sink, marks) })
                    }
                    // From the connect on, not just once messages flow: a server that accepted the
                    // connection but never answers (no SETTINGS, no headers) must not hold the source.
                    let deadline = max(0.1, ingest.silenceDeadlineSeconds)
                    group.addTask {
                        while true {
                            try await Task.sleep(for: .milliseconds(Int64(min(1, deadline / 4) * 1000)))
                            if marks.age > deadline { throw TransportError.silent(seconds: deadline) }
                        }
                    }
                    defer { group.cancelAll() }
                    try await group.next()
                }
            } catch let e as RPCError where fromSlot != nil && !marks.seen && [.invalidArgument, .outOfRange, .unimplemented].contains(e.code) {
                lock.withLock { skipReplayOnce = true }
                throw e
            }
        }
    }

    /// `from_slot` for this connect: the last slot seen, if the server still has it.
    private func replayStart(_ geyser: Geyser_Geyser.Client<HTTP2ClientTransport.WrappedChannel>, _ metadata: Metadata) async -> UInt64? {
        let (last, skip) = lock.withLock { () -> (UInt64?, Bool) in
            defer { skipReplayOnce = false }
            return (lastSlot, skipReplayOnce)
        }
        guard config.replay, let last, !skip else { return nil }
        var options = CallOptions.defaults
        options.timeout = .milliseconds(Int64(ingest.requestTimeoutSeconds * 1000))
        do {
            let info = try await geyser.subscribeReplayInfo(Geyser_SubscribeReplayInfoRequest(), metadata: metadata, options: options)
            guard info.hasFirstAvailable, info.firstAvailable <= last else {
                logger.info(
                    "ingest: yellowstone replay from slot \(last) not offered (first available: \(info.hasFirstAvailable ? String(info.firstAvailable) : "none"))"
                )
                return nil
            }
            return last
        } catch {
            logger.info("ingest: yellowstone SubscribeReplayInfo failed (\(scrub(error))); re-snapshotting")
            return nil
        }
    }

    /// The request side: the first request, then filter changes as `follow` moves, and pings.
    private func produce(_ writer: RPCWriter<Geyser_SubscribeRequest>, first: Geyser_SubscribeRequest, sent initial: Set<Pubkey>) async throws {
        var pingID: Int32 = 0
        func ping() async throws -> Int32 {
            pingID &+= 1
            var ping = Geyser_SubscribeRequest()
            var p = Geyser_SubscribeRequestPing()
            p.id = pingID
            ping.ping = p
            try await writer.write(ping)
            return pingID
        }
        try await writer.write(first)
        _ = try await ping()
        var sent = initial
        var lastPing = ContinuousClock.now
        let pingEvery = Duration.milliseconds(Int64(max(0.05, ingest.pingIntervalSeconds) * 1000))
        while true {
            try await Task.sleep(for: .milliseconds(100))
            let (keys, slot, fresh) = lock.withLock { () -> (Set<Pubkey>, UInt64, Set<Pubkey>) in
                defer { followedSince = [] }
                return (wanted, lastSlot ?? 0, followedSince.intersection(wanted))
            }
            if keys == sent && !fresh.isEmpty {
                lock.withLock { pending.append((fresh.sorted(), slot + 1, 0)) }
            }
            if keys != sent {
                let added = keys.subtracting(sent).union(fresh)
                try await writer.write(request(keys, fromSlot: nil))
                let barrier = try await ping()
                lastPing = .now
                logger.debug("ingest: yellowstone filter now \(keys.count) accounts (+\(added.count) re-read at pong \(barrier))")
                lock.withLock {
                    subscribed = keys
                    // The pong (or, should it not come, two slots) means the server applied the new filter.
                    if !added.isEmpty { pending.append((added.sorted(), slot + 2, barrier)) }
                }
                setHealth {
                    $0.subscriptions = keys.count; $0.stream?.filters = (keys.count + Self.keysPerFilter - 1) / Self.keysPerFilter
                }
                sent = keys
            }
            if ContinuousClock.now - lastPing >= pingEvery {
                lastPing = .now
                _ = try await ping()
            }
        }
    }

    /// The response side: updates into the sink, and the re-reads when their slot or pong comes.
    private func consume(
        _ messages: RPCAsyncSequence<Geyser_SubscribeUpdate, any Error>, _ sink: any AccountSink, _ marks: StreamMarks
    ) async throws {
        let (reads, readSink) = AsyncStream<[Pubkey]>.makeStream()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                for try await update in messages {
                    marks.touch()
                    switch update.updateOneof {
                    case .account(let a): apply(a, sink)
                    case .slot, .pong:
                        let due: [[Pubkey]]
                        if case .slot(let s) = update.updateOneof { due = reached(slot: s.slot) } else { due = reached(pong: update.pong.id) }
                        for keys in due { readSink.yield(keys) }
                        if !marks.live {
                            marks.live = true
                            setHealth {
                                $0.state = .live; $0.lastError = nil
                            }
                            logger.info(
                                "ingest: yellowstone stream live on \(health(\.endpoint)) with \(lock.withLock { subscribed.count }) accounts")
                        }
                    case .ping, nil: break
                    }
                    setHealth(coalesce: true) { $0.lastMessageAt = Date().timeIntervalSince1970 }
                }
                throw TransportError.connectionClosed
            }
            group.addTask { [self] in
                for await keys in reads {
                    for start in stride(from: 0, to: keys.count, by: 1_000) {
                        let chunk = Array(keys[start..<min(keys.count, start + 1_000)])
                        sink.resync(try await snapshots.read(chunk).compactMap { $0 })
                    }
                }
            }
            defer {
                readSink.finish()
                group.cancelAll()
            }
            try await group.next()
        }
    }

    /// Slot messages drive the replay position; slots and pongs release the pending re-reads.
    private func reached(slot: UInt64? = nil, pong: Int32? = nil) -> [[Pubkey]] {
        lock.withLock {
            if let slot { lastSlot = max(lastSlot ?? 0, slot) }
            let isDue = { (p: (keys: [Pubkey], afterSlot: UInt64, afterPong: Int32)) -> Bool in
                slot.map { p.afterSlot <= $0 } ?? false || pong.map { p.afterPong != 0 && p.afterPong <= $0 } ?? false
            }
            let due = pending.filter(isDue)
            if !due.isEmpty { pending.removeAll(where: isDue) }
            return due.map(\.keys)
        }
    }

    /// One account update: ordered by (slot, write_version), dropped when unfollowed or not newer.
    private func apply(_ update: Geyser_SubscribeUpdateAccount, _ sink: any AccountSink) {
        let receivedAt = ProcessInfo.processInfo.systemUptime
        let info = update.account
        guard update.hasAccount, let key = Pubkey(bytes: info.pubkey), let owner = Pubkey(bytes: info.owner) else {
            sink.record(.malformed("yellowstone: account update without a 32-byte pubkey and owner"))
            return
        }
        let verdict: WriteOrder.Verdict = lock.withLock {
            health.stream?.received += 1
            lastSlot = max(lastSlot ?? 0, update.slot)
            guard wanted.contains(key) else {
                health.stream?.unfollowed += 1
                return .older
            }
            let v = order.admit(key, slot: update.slot, writeVersion: info.writeVersion)
            if v == .older { health.stream?.duplicates += 1 } else { health.stream?.applied += 1 }
            return v
        }
        guard verdict != .older else { return }
        let account = AccountData(address: key, owner: owner, data: [UInt8](info.data), lamports: info.lamports, slot: update.slot)
        sink.update(account, receivedAt: receivedAt, sameSlotNewer: verdict == .sameSlotNewer)
    }

    /// A Subscribe request for `keys` (split into named filters), slots, the commitment, replay.
    func request(_ keys: Set<Pubkey>, fromSlot: UInt64?) -> Geyser_SubscribeRequest {
        var r = Geyser_SubscribeRequest()
        let sorted = keys.sorted()
        // No filter at all for no keys: an account filter without pubkeys or owners matches every account.
        for (n, start) in stride(from: 0, to: sorted.count, by: Self.keysPerFilter).enumerated() {
            var f = Geyser_SubscribeRequestFilterAccounts()
            f.account = sorted[start..<min(sorted.count, start + Self.keysPerFilter)].map(\.base58)
            r.accounts["accounts-\(n)"] = f
        }
        var slots = Geyser_SubscribeRequestFilterSlots()
        slots.filterByCommitment = true
        r.slots["slots"] = slots
        r.commitment =
            switch ingest.commitment {
            case "processed": .processed
            case "finalized": .finalized
            default: .confirmed
            }
        if let fromSlot { r.fromSlot = fromSlot }
        return r
    }

    /// Error text for logs and health, with the x-token (should a server echo it) masked.
    private func scrub(_ error: Error) -> String {
        let text = "\(error)"
        guard let token = config.xToken, !token.isEmpty else { return text }
        return text.replacingOccurrences(of: token, with: "***")
    }

    private func health<T>(_ path: KeyPath<ConnectionHealth, T>) -> T { lock.withLock { health[keyPath: path] } }

    private var lastHealthWrite = 0.0
    private func setHealth(coalesce: Bool = false, _ body: (inout ConnectionHealth) -> Void) {
        lock.withLock {
            if coalesce {
                // lastMessageAt at ~10 Hz is plenty for health.
                let now = ProcessInfo.processInfo.systemUptime
                if now - lastHealthWrite < 0.1 { return }
                lastHealthWrite = now
            }
            body(&health)
        }
    }
}

/// One stream's marks: when it last said anything (monotonic), whether it said anything, and
/// whether it went live (its first slot message).
// @unchecked Sendable: `lock` guards last, seen and _live.
final class StreamMarks: @unchecked Sendable {
    private let lock = NSLock()
    private var last = ProcessInfo.processInfo.systemUptime
    private var _seen = false, _live = false
    func touch() {
        lock.withLock {
            last = ProcessInfo.processInfo.systemUptime; _seen = true
        }
    }
    var age: Double { lock.withLock { ProcessInfo.processInfo.systemUptime - last } }
    var seen: Bool { lock.withLock { _seen } }
    var live: Bool {
        get { lock.withLock { _live } }
        set { lock.withLock { _live = newValue } }
    }
}
