import Cache
import Foundation
import Ingest
import Logging
import NATS
import SolanaCore

/// The follower role behind the Ingest seam: accounts come from the cluster's JetStream stream.
/// An ordered consumer (deliver last per subject) first brings the last message of every account
/// subject, then follows live; after any reconnect, sequence gap or silent consumer it is created
/// again and the store, slot-ordered, takes only what is newer. `read` answers from what the
/// consumer brought (once it has caught up), so the engine validates pools with no RPC at all.
/// Heartbeats (`spc.shard.*`) tell which shard is alive: one quiet past the deadline has its pools
/// marked `stale` until it speaks again.
///
/// ```swift
/// let source = try NATSAccountSource(settings: nats, logger: logger)
/// let engine = IngestEngine(store: store, config: ingest, source: source, logger: logger)
/// ```
// @unchecked Sendable: `lock` guards every var; the rest are lets.
public final class NATSAccountSource: AccountSource, BusStatusProvider, @unchecked Sendable {
    public let client: NATSClient
    public let settings: NATSSettings
    let subjects: BusSubjects
    let logger: Logger
    /// How long `read` waits for the first catch-up.
    public var catchUpTimeoutSeconds = 30.0

    struct Held {
        var account: AccountData
        var order: UInt64
        var shard: String
    }

    private let lock = NSLock()
    private var mirror: [Pubkey: Held] = [:]
    private var followed: Set<Pubkey> = []
    /// Account subject → its (owner, address), parsed once.
    private var subjectKeys: [String: (owner: Pubkey, address: Pubkey)] = [:]
    private var creating = false
    private var sink: (any AccountSink)?
    private var caughtUp = false
    private var generation = 0
    private var deliverSid: String?
    private var deliverSubject: String?
    private var expectedConsumerSeq: UInt64 = 1
    private var lastConsumerActivity = 0.0
    private var book: ShardBook
    private var received: UInt64 = 0
    private var malformed: UInt64 = 0
    private var overflow: UInt64 = 0
    private var consumerResets: UInt64 = 0
    private var lastMessageAt: Double?
    private var started = false
    private var clientTask: Task<Void, Error>?

    public init(settings: NATSSettings, logger: Logger = Logger(label: "nats")) throws {
        var options = NATSClientOptions(urls: settings.urls)
        options.token = settings.token; options.user = settings.user; options.password = settings.password
        options.name = "spc-follower"
        client = try NATSClient(options: options, logger: logger)
        self.settings = settings; self.logger = logger
        subjects = BusSubjects(prefix: settings.subjectPrefix)
        book = ShardBook(deadline: settings.shardDeadlineSeconds, now: ProcessInfo.processInfo.systemUptime)
    }

    deinit { clientTask?.cancel() }

    /// Connects (once): heartbeats subscribed, the consumer created on every connect.
    func start() {
        let first = lock.withLock { () -> Bool in
            defer { started = true }
            return !started
        }
        guard first else { return }
        client.subscribe(subjects.shards) { [weak self] m in self?.heartbeat(m) }
        client.onConnect { [weak self] in await self?.createConsumer() }
        let client = self.client
        lock.withLock { clientTask = Task { try await client.run() } }
    }

    /// Stops the connection (the engine's run ending does it too).
    public func shutdown() {
        lock.withLock { clientTask }?.cancel()
        client.close()
    }

    // MARK: consumer

    private func createConsumer() async {
        // One creation at a time: a reconnect and a silent consumer may both ask for one.
        guard
            lock.withLock({ () -> Bool in
                defer { creating = true }
                return !creating
            })
        else { return }
        defer { lock.withLock { creating = false } }
        while !Task.isCancelled {
            let (gen, deliver) = lock.withLock { () -> (Int, String) in
                generation += 1
                expectedConsumerSeq = 1
                lastConsumerActivity = ProcessInfo.processInfo.systemUptime
                return (generation, "\(client.inbox).deliver.\(generation)")
            }
            let old = lock.withLock { deliverSid }
            if let old { client.unsubscribe(old) }
            let sid = client.subscribe(deliver) { [weak self] m in self?.delivered(m, generation: gen) }
            lock.withLock {
                deliverSid = sid; deliverSubject = deliver
            }
            do {
                let pending = try await JetStream(client: client).createOrderedConsumer(
                    stream: settings.stream, filter: subjects.accounts, deliverTo: deliver, heartbeatSeconds: heartbeatSeconds)
                if pending == 0 { markCaughtUp() }
                logger.info("nats: following \(settings.stream) (\(pending) account subjects to catch up)")
                return
            } catch {
                logger.warning("nats: cannot create the consumer on \(settings.stream): \(error)")
                try? await Task.sleep(nanoseconds: 500_000_000)
            }
        }
    }

    var heartbeatSeconds: Double { max(0.5, min(5, settings.shardDeadlineSeconds / 3)) }

    private func resetConsumer(_ why: String) {
        logger.info("nats: re-creating the consumer (\(why))")
        lock.withLock { consumerResets += 1 }
        Task { await self.createConsumer() }
    }

    private func markCaughtUp() { lock.withLock { caughtUp = true } }

    /// A message of the consumer (on the event loop).
    private func delivered(_ m: NATSMessage, generation gen: Int) {
        let now = ProcessInfo.processInfo.systemUptime
        guard lock.withLock({ gen == generation }) else { return }
        if m.status == 100 {
            // Flow control asks for an (empty) answer on its reply subject; idle heartbeats have none.
            if let reply = m.replyTo { client.publish(reply, payload: []) }
            // An idle heartbeat names the consumer's last delivered sequence: one we never saw means
            // messages were lost (a connection's subscription gap, a dropped frame) with nothing after
            // them to show the gap, as nats.go's ordered consumer checks (`checkForSequenceMismatch`).
            let behind = lock.withLock { () -> Bool in
                lastConsumerActivity = now
                guard let last = m.headers?["Nats-Last-Consumer"].flatMap(UInt64.init) else { return false }
                return last != expectedConsumerSeq - 1
            }
            if behind {
                let seen = lock.withLock { expectedConsumerSeq - 1 }
                resetConsumer("heartbeat names consumer sequence \(m.headers?["Nats-Last-Consumer"] ?? ""), \(seen) seen")
            }
            return
        }
        guard let meta = m.replyTo.flatMap(JetStreamDelivery.init(replyTo:)) else {
            countMalformed("consumer message without JetStream metadata on \(m.subject)")
            return
        }
        let gap = lock.withLock { () -> Bool in
            lastConsumerActivity = now
            guard meta.consumerSequence == expectedConsumerSeq else { return true }
            expectedConsumerSeq += 1
            return false
        }
        if gap {
            resetConsumer("consumer sequence \(meta.consumerSequence), expected another")
            return
        }
        let decoded: AccountMessage.Decoded
        do {
            let cached = lock.withLock { subjectKeys[m.subject] }
            guard let keys = cached ?? subjects.parseAccount(m.subject) else {
                throw AccountMessageError.badSubject(String(m.subject.prefix(120)))
            }
            decoded = try AccountMessage.decode(m, owner: keys.owner, address: keys.address)
            // Bounded like the mirror: one entry per account subject held.
            if cached == nil { lock.withLock { if subjectKeys.count < settings.maxAccounts { subjectKeys[m.subject] = keys } } }
        } catch {
            countMalformed("\(error)")
            if meta.pending == 0 { markCaughtUp() }
            return
        }
        let lagMs = Double(Int64(Date().timeIntervalSince1970 * 1000) - decoded.publishedAtMs)
        let (take, sameSlotNewer, target) = lock.withLock { () -> (Bool, Bool, (any AccountSink)?) in
            received += 1
            lastMessageAt = Date().timeIntervalSince1970
            let key = decoded.account.address
            let held = mirror[key]
            if held == nil && mirror.count >= settings.maxAccounts {
                overflow += 1
                return (false, false, nil)
            }
            let newer =
                held.map { h in
                    decoded.account.slot > h.account.slot
                        || (decoded.account.slot == h.account.slot && h.shard == decoded.shard && decoded.order > h.order)
                } ?? true
            guard newer else { return (false, false, nil) }
            let sameSlot = held.map { $0.account.slot == decoded.account.slot } ?? false
            mirror[key] = Held(account: decoded.account, order: decoded.order, shard: decoded.shard)
            // Catch-up messages are old by nature: only live ones measure lag.
            book.applied(decoded.shard, slot: decoded.account.slot, lagMs: caughtUp ? max(0, lagMs) : nil)
            return (true, sameSlot, sink)
        }
        if take, let target { target.update(decoded.account, receivedAt: now, sameSlotNewer: sameSlotNewer) }
        if meta.pending == 0 { markCaughtUp() }
    }

    private func countMalformed(_ why: String) {
        let target = lock.withLock { () -> (any AccountSink)? in
            malformed += 1
            return sink
        }
        if let target { target.record(.malformed("nats: \(why)")) } else { logger.warning("nats: \(why)") }
    }

    private func heartbeat(_ m: NATSMessage) {
        guard let beat = ShardHeartbeat(payload: m.payload), subjects.parseShard(m.subject) == beat.shard else {
            countMalformed("bad heartbeat on \(m.subject)")
            return
        }
        lock.withLock { book.heartbeat(beat.shard, slot: beat.slot, now: ProcessInfo.processInfo.systemUptime) }
    }

    // MARK: AccountSource

    public func read(_ keys: [Pubkey]) async throws -> [AccountData?] {
        start()
        // Bounded: a cluster that never answers fails the read (the engine retries validation).
        let deadline = ProcessInfo.processInfo.systemUptime + catchUpTimeoutSeconds
        while !lock.withLock({ caughtUp }) {
            guard ProcessInfo.processInfo.systemUptime < deadline else { throw NATSError.timeout("catching up with \(settings.stream)") }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        return lock.withLock { keys.map { mirror[$0]?.account } }
    }

    /// Everything on the stream is delivered and the store keeps what it follows; accounts it
    /// starts to follow (a pool's new tick arrays) are handed over from what was already delivered.
    public func follow(_ wanted: Set<Pubkey>) {
        let (target, fresh) = lock.withLock { () -> ((any AccountSink)?, [AccountData]) in
            let fresh = wanted.subtracting(followed).compactMap { mirror[$0]?.account }
            followed = wanted
            return (sink, fresh)
        }
        if let target, !fresh.isEmpty { target.resync(fresh) }
    }

    /// A nil from `read` is "not published yet", not "does not exist".
    public var absenceIsFinal: Bool { false }

    public func run(into sink: any AccountSink) async throws {
        start()
        // What arrived between the engine's reads and now reaches the store here.
        let held = lock.withLock { () -> [AccountData] in
            self.sink = sink
            return mirror.values.map(\.account)
        }
        sink.resync(held)
        defer {
            lock.withLock { self.sink = nil }
            shutdown()
        }
        let period = max(0.05, min(1, settings.shardDeadlineSeconds / 4))
        while !Task.isCancelled {
            try await Task.sleep(nanoseconds: UInt64(period * 1e9))
            let now = ProcessInfo.processInfo.systemUptime
            let (down, up, accounts, silent) = lock.withLock { () -> ([String], [String], [String: [Pubkey]], Bool) in
                var byShard: [String: [Pubkey]] = [:]
                for (k, h) in mirror { byShard[h.shard, default: []].append(k) }
                for (name, keys) in byShard { book.setAccounts(name, keys.count) }
                let (down, up) = book.judge(now: now)
                let silent = client.currentState == .connected && caughtUp && now - lastConsumerActivity > heartbeatSeconds * 3
                if silent { lastConsumerActivity = now }
                return (down, up, byShard, silent)
            }
            for name in down {
                logger.warning("nats: shard \(name) silent for more than \(settings.shardDeadlineSeconds) s: its pools are stale")
                sink.record(.accountsStale(accounts[name] ?? []))
            }
            for name in up {
                logger.info("nats: shard \(name) is back")
                sink.record(.accountsLive(accounts[name] ?? []))
            }
            if silent { resetConsumer("no message or heartbeat from the consumer") }
        }
    }

    /// False for accounts last published by a shard that is not alive (the engine then does not
    /// confirm their pools current).
    public func isCurrent(_ key: Pubkey) -> Bool {
        lock.withLock { mirror[key].map { book.isAlive($0.shard) } ?? true }
    }

    public func connections() -> [ConnectionHealth] {
        let s = client.statistics
        let (ready, last) = lock.withLock { (caughtUp, lastMessageAt) }
        let state: ConnectionHealth.State
        switch client.currentState {
        case .connected: state = ready ? .live : .subscribing
        case .connecting: state = .connecting
        case .disconnected: state = .backingOff
        case .closed: state = .failed
        }
        var c = ConnectionHealth(
            id: 0, endpoint: s.server ?? settings.urls.first ?? "", state: state, subscriptions: 2,
            reconnects: Int(max(0, Int64(s.connects) - 1)), lastMessageAt: last, lastError: s.lastError)
        c.source = "nats"
        c.updatesReceived = lock.withLock { received }
        return [c]
    }

    public func contribute(to counters: inout IngestCounters) {}

    public func busStatus() -> [BusStatus] {
        let s = client.statistics
        var b = BusStatus(role: "follower", state: client.currentState.rawValue)
        b.server = s.server; b.connects = s.connects; b.lastError = s.lastError; b.published = s.published
        let now = ProcessInfo.processInfo.systemUptime
        lock.withLock {
            b.received = received; b.malformed = malformed; b.dropped = overflow
            b.shards = book.shards.sorted { $0.key < $1.key }.map { name, sh in
                var l = BusStatus.ShardLag(
                    name: name, alive: sh.alive, slotLag: sh.heartbeatSlot > sh.appliedSlot ? sh.heartbeatSlot - sh.appliedSlot : 0,
                    accounts: sh.accounts)
                l.heartbeatAgeMs = (now - sh.lastHeartbeat) * 1000
                l.lagP50Ms = ShardBook.quantile(sh.lagMs, 0.5)
                l.lagP99Ms = ShardBook.quantile(sh.lagMs, 0.99)
                l.lastLagMs = sh.lagMs.last
                return l
            }
        }
        return [b]
    }

    /// Consumer re-creations since start (gaps, silent consumers).
    public var consumerResetCount: UInt64 { lock.withLock { consumerResets } }

    /// Where the current consumer delivers (nil before the first one).
    public var consumerDeliverSubject: String? { lock.withLock { deliverSubject } }
}
