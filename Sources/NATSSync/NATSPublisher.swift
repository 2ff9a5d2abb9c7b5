import Cache
import Foundation
import Logging
import NATS
import Server
import SolanaCore

/// The publisher role: every account update the store applies goes to `spc.acct.<owner>.<pubkey>`
/// (kept by a last-per-subject JetStream stream), every pool change to `spc.pool.<dex>.<pool>`,
/// every opportunity to `spc.opp.<input mint>`, and a heartbeat to `spc.shard.<name>`.
///
/// Publishing never blocks ingestion: the store's observer only queues into the client's bounded
/// buffer. What is dropped (buffer full, no connection) or not acknowledged by JetStream in time
/// is counted, and the store's current state is republished once the stream answers again.
///
/// ```swift
/// let publisher = try NATSPublisher(settings: nats, store: store, opportunities: arbitrage, logger: logger)
/// try await publisher.run()     // until cancelled
/// ```
// @unchecked Sendable: `lock` guards every var; the rest are lets.
public final class NATSPublisher: BusStatusProvider, @unchecked Sendable {
    public let client: NATSClient
    public let settings: NATSSettings
    let store: PoolStore
    let opportunities: (any OpportunityProvider)?
    let subjects: BusSubjects
    let logger: Logger
    /// JetStream acknowledgements of account messages arrive here.
    let ackSubject: String

    private let lock = NSLock()
    private var accountsSent: UInt64 = 0
    private var acked: UInt64 = 0
    private var ackErrors: UInt64 = 0
    private var lost: UInt64 = 0
    /// (time, accountsSent then): acks must catch up with each mark within `ackTimeoutSeconds`.
    private var marks: [(Double, UInt64)] = []
    /// A republish is owed (a drop, an unacknowledged message, a reconnect).
    private var dirty = true
    private var streamReady = false
    private var republished: UInt64 = 0
    private var republishes: UInt64 = 0
    private var replicas = 1
    /// Write orders continue across restarts: the start time (ms) scaled past any run's write count.
    let epoch = UInt64(max(0, Date().timeIntervalSince1970 * 1000)) &* 1_000_000

    public init(
        settings: NATSSettings, store: PoolStore, opportunities: (any OpportunityProvider)? = nil, logger: Logger = Logger(label: "nats")
    ) throws {
        var options = NATSClientOptions(urls: settings.urls)
        options.token = settings.token; options.user = settings.user; options.password = settings.password
        options.maxPendingBytes = settings.maxPendingBytes
        options.name = "spc-shard-\(settings.shard)"
        client = try NATSClient(options: options, logger: logger)
        self.settings = settings; self.store = store; self.opportunities = opportunities; self.logger = logger
        subjects = BusSubjects(prefix: settings.subjectPrefix)
        ackSubject = client.inbox + ".ack"
    }

    public func run() async throws {
        client.subscribe(ackSubject) { [weak self] m in self?.acknowledged(m) }
        client.onConnect { [weak self] in await self?.connected() }
        let observer = store.observeAccounts { [weak self] account, order in self?.publish(account, order: order) }
        defer { store.stopObservingAccounts(observer) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.client.run() }
            group.addTask { await self.poolChanges() }
            group.addTask { try await self.heartbeats() }
            if let opportunities { group.addTask { await self.opportunityLoop(opportunities) } }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    // MARK: accounts

    func publish(_ account: AccountData, order: UInt64) {
        let (subject, headers) = AccountMessage.encode(
            account, order: epoch &+ order, shard: settings.shard, publishedAtMs: Self.nowMs(), subjects: subjects)
        let ok = client.publish(subject, replyTo: ackSubject, headers: headers, payload: account.data)
        lock.withLock {
            if ok { accountsSent += 1 } else { dirty = true }
        }
    }

    private func acknowledged(_ m: NATSMessage) {
        // {"stream":"SPC_ACCT","seq":n} or {"error":{…}}; a 503 status: no stream (no leader) answered.
        let failed = m.status == 503 || m.payload.starts(with: Array(#"{"error""#.utf8))
        lock.withLock {
            if failed {
                ackErrors += 1; dirty = true
            } else {
                acked += 1
            }
        }
        if failed { logger.debug("nats: JetStream refused an account message: \(String(decoding: m.payload.prefix(200), as: UTF8.self))") }
    }

    /// After each (re)connect: the stream (created or confirmed), then the store's state again.
    private func connected() async {
        lock.withLock {
            streamReady = false; dirty = true
        }
        while !Task.isCancelled {
            do {
                try await ensureStream()
                lock.withLock { streamReady = true }
                try await republishIfOwed()
                return
            } catch {
                logger.warning("nats: JetStream stream \(settings.stream) not ready: \(error)")
                try? await Task.sleep(nanoseconds: 500_000_000)
            }
        }
    }

    private func ensureStream() async throws {
        let clusterSize = max(1, Set(client.serverInfo.connectURLs).count)
        let r = settings.replicas ?? min(3, clusterSize)
        let state = try await JetStream(client: client).ensureStream(.init(name: settings.stream, subjects: [subjects.accounts], replicas: r))
        lock.withLock { replicas = state.replicas }
    }

    /// Sends every held account again when something may have been lost, in slices paced by
    /// PING/PONG so the republish itself never overflows the buffer.
    func republishIfOwed() async throws {
        guard lock.withLock({ dirty && streamReady }) else { return }
        // A stream that answers INFO has a leader: what is published now is stored.
        _ = try await JetStream(client: client).streamInfo(settings.stream)
        lock.withLock {
            dirty = false; marks = []
            acked = accountsSent
        }
        let (accounts, order) = store.heldAccounts()
        var sent: UInt64 = 0
        for slice in stride(from: 0, to: accounts.count, by: 500).map({ accounts[$0..<min(accounts.count, $0 + 500)] }) {
            for a in slice {
                // The held bytes are the newest the store has; their write order is now.
                publish(a, order: order)
                sent += 1
            }
            try await client.flush()
        }
        lock.withLock {
            republished += sent; republishes += 1
        }
        logger.info("nats: republished \(sent) accounts to \(settings.stream)")
    }

    // MARK: pools, opportunities, heartbeat

    private func poolChanges() async {
        let (id, changes) = store.changes()
        defer { store.stopChanges(id) }
        for await change in changes {
            if Task.isCancelled { return }
            guard let e = store.entry(change.pool), let dex = e.dex else { continue }
            let json = PoolJSON.pool(e, now: Date().timeIntervalSince1970, detail: true).rendered
            client.publish(subjects.pool(dex: dex.rawValue, address: e.address), payload: Array(json.utf8))
        }
    }

    private func opportunityLoop(_ provider: any OpportunityProvider) async {
        for await o in provider.opportunityUpdates() {
            if Task.isCancelled { return }
            client.publish(subjects.opportunity(inputMint: o.inputMint), payload: Array(OpportunityJSON.bot(o).rendered.utf8))
        }
    }

    /// Every `heartbeatSeconds`: the heartbeat, the acknowledgement check, and a republish if owed.
    private func heartbeats() async throws {
        while !Task.isCancelled {
            try await Task.sleep(nanoseconds: UInt64(settings.heartbeatSeconds * 1e9))
            let beat = ShardHeartbeat(shard: settings.shard, slot: store.highestSlot, unixMs: Self.nowMs(), pools: store.poolCount)
            client.publish(subjects.shard(settings.shard), payload: beat.payload)
            checkAcks(now: ProcessInfo.processInfo.systemUptime)
            do { try await republishIfOwed() } catch { logger.debug("nats: republish deferred: \(error)") }
        }
    }

    func checkAcks(now: Double) {
        lock.withLock {
            marks.append((now, accountsSent))
            // Marks whose messages are all acknowledged are settled; one past its deadline is a loss.
            while let first = marks.first, acked >= first.1 { marks.removeFirst() }
            if let first = marks.first, now - first.0 > settings.ackTimeoutSeconds {
                lost += first.1 - min(first.1, acked)
                dirty = true
                marks = []
            }
            if marks.count > 1_000 { marks.removeFirst(marks.count - 1_000) }
        }
    }

    // MARK: status

    public func busStatus() -> [BusStatus] {
        let s = client.statistics
        var b = BusStatus(role: "publisher", shard: settings.shard, state: client.currentState.rawValue)
        b.server = s.server; b.connects = s.connects; b.lastError = s.lastError
        b.published = s.published
        b.received = s.received
        lock.withLock {
            b.dropped = s.dropped + lost + ackErrors
            b.republished = republished; b.republishes = republishes
        }
        return [b]
    }

    /// Replicas of the stream as last created or confirmed.
    public var streamReplicas: Int { lock.withLock { replicas } }

    static func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
