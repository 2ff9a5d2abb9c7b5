import Cache
import Foundation
import RPC
import SolanaCore

/// `RPCAccountSource`'s connections: one loop per shard (connect, subscribe what the plan puts on
/// it, re-read everything it carries, stream), refusals, health.
extension RPCAccountSource {
    /// One shard's connection for as long as the engine runs: connect, subscribe, re-snapshot,
    /// stream; on any failure back off (per endpoint), fail over after repeated failures, repeat.
    func runShard(_ id: Int, _ sink: any AccountSink) async {
        var rng = SystemRandomNumberGenerator()
        var failures = 0
        while !Task.isCancelled {
            let endpoint = lock.withLock { shards[id].endpoint }
            let ep = config.endpoints[endpoint]
            let name = Redact.endpoint(ep.websocketURL)
            updateHealth(id) {
                $0.endpoint = name; $0.state = .connecting
            }
            var wasLive = false
            do {
                let ws = try await PubSubConnection.connect(
                    url: ep.websocketURL, dialer: dialer,
                    options: .init(
                        pingIntervalSeconds: config.pingIntervalSeconds, silenceDeadlineSeconds: config.silenceDeadlineSeconds,
                        connectTimeoutSeconds: config.connectTimeoutSeconds, requestTimeoutSeconds: config.requestTimeoutSeconds),
                    logger: logger)
                defer {
                    ws.close()
                    // Fold this connect's counts into the connection's totals.
                    let counts = ws.notificationCounts
                    lock.withLock {
                        shards[id].receivedBefore += counts.received
                        shards[id].droppedBefore += counts.unfollowed
                        shards[id].followed = []
                        shards[id].coverage = nil
                    }
                }
                updateHealth(id) {
                    $0.state = .subscribing; $0.lastMessageAt = Date().timeIntervalSince1970
                }
                try await ws.slotSubscribe()
                try await reconcile(shard: id, ws: ws, endpoint: endpoint, snapshotAll: true, sink)
                updateHealth(id) {
                    $0.state = .live; $0.lastError = nil
                }
                wasLive = true
                failures = 0
                logger.info(
                    "ingest: connection \(id) live on \(name) with \(ws.subscriptionCount) account and \(ws.programSubscriptionCount) program subscriptions"
                )
                try await stream(shard: id, ws: ws, endpoint: endpoint, sink)
            } catch is CancellationError {
                break
            } catch {
                if Task.isCancelled { break }
                updateHealth(id) { $0.lastError = "\(error)" }
                logger.warning("ingest: connection \(id) on \(name) \(wasLive ? "lost" : "failed"): \(error)")
            }
            if Task.isCancelled { break }
            failures += 1
            sink.record(.reconnect)
            var failedOver = false
            lock.withLock {
                shards[id].health.reconnects += 1
                if failures >= config.failoverAfterFailures && config.endpoints.count > 1 {
                    shards[id].endpoint = (shards[id].endpoint + 1) % config.endpoints.count
                    failedOver = true
                }
            }
            if failedOver {
                logger.warning("ingest: connection \(id) failing over from \(name) after \(failures) failures")
                failures = 0
            }
            let wait = failedOver ? 0 : backoff.delay(attempt: failures, using: &rng)
            updateHealth(id) {
                $0.state = .backingOff; $0.subscriptions = 0; $0.accountSubscriptions = 0; $0.programSubscriptions = 0
            }
            try? await Task.sleep(nanoseconds: UInt64(wait * 1e9))
        }
        updateHealth(id) {
            $0.state = .failed; $0.lastError = $0.lastError ?? "stopped"
        }
    }

    /// Brings the connection's subscriptions in line with the plan, then re-reads (with
    /// `getMultipleAccounts`) what was just subscribed — or everything after a reconnect — so
    /// no update missed before the subscription started survives. For a program subscription
    /// that is every followed account it carries (new ones too, as the plan adds them). Older
    /// snapshots are ignored by the store's slot order.
    func reconcile(shard id: Int, ws: PubSubConnection, endpoint: Int, snapshotAll: Bool, _ sink: any AccountSink) async throws {
        let (items, carried, before, moved) = lock.withLock { () -> (Set<SubscriptionItem>, Set<Pubkey>, Set<Pubkey>, Bool) in
            let items = plan.shards.indices.contains(id) ? plan.shards[id] : []
            // The follow set is recomputed only when the plan's coverage or this shard's items moved
            // (the periodic reconcile must stay cheap with tens of thousands of carried accounts).
            let key = ShardState.CoverageKey(version: coveredVersion, items: items.count, programs: items.filter { $0.program != nil }.count)
            if !snapshotAll, shards[id].coverage == key { return (items, shards[id].followed, shards[id].followed, false) }
            shards[id].coverage = key
            var carried = Set<Pubkey>()
            for case .program(let p) in items { carried.formUnion(covered[p] ?? []) }
            return (items, carried, shards[id].followed, true)
        }
        let wanted = Set(items.compactMap(\.account))
        let programs = Set(items.compactMap(\.program))
        let have = Set(ws.subscribedAccounts)
        for key in have.subtracting(wanted) { try await ws.unsubscribe(account: key) }
        for p in Set(ws.subscribedPrograms).subtracting(programs) { try await ws.unsubscribe(program: p) }
        // The follow set first: the first notifications of a new program subscription must pass.
        if moved {
            ws.followProgramAccounts(carried)
            lock.withLock { shards[id].followed = carried }
        }
        var refusedPrograms: [(ProgramSubscription, Error)] = []
        for p in programs.subtracting(ws.subscribedPrograms).sorted() {
            do { try await ws.subscribe(program: p, commitment: config.commitment) } catch {
                guard TransportError.rpcCode(of: error) != nil else { throw error }
                refusedPrograms.append((p, error))
            }
        }
        if !refusedPrograms.isEmpty { programsRefused(shard: id, refusedPrograms, sink) }
        let now = Date()
        let add = lock.withLock {
            wanted.subtracting(have).filter { refusedAt[$0].map { now.timeIntervalSince($0) >= Self.refusedRetrySeconds } ?? true }
        }.sorted()
        if !add.isEmpty {
            let failed = await ws.subscribe(accounts: add, commitment: config.commitment)
            // A dead link ends the connection; a refusal (limit, bad key) is handled per account.
            if let (_, error) = failed.first(where: { TransportError.rpcCode(of: $0.1) == nil }) { throw error }
            if !failed.isEmpty {
                subscriptionsRefused(shard: id, refused: failed, accepted: ws.subscriptionCount + ws.programSubscriptionCount, sink)
            }
            let refusedKeys = Set(failed.map(\.0))
            lock.withLock { for key in add where !refusedKeys.contains(key) { refusedAt[key] = nil } }
        }
        let refusedHere = lock.withLock { refusedAt.isEmpty ? 0 : wanted.union(carried).filter { refusedAt[$0] != nil }.count }
        updateHealth(id) {
            $0.subscriptions = ws.subscriptionCount + ws.programSubscriptionCount + 1; $0.refusedSubscriptions = refusedHere
            $0.accountSubscriptions = ws.subscriptionCount; $0.programSubscriptions = ws.programSubscriptionCount
        }
        let snapshot = snapshotAll ? Array(wanted.union(carried)).sorted() : Array(Set(add).union(carried.subtracting(before))).sorted()
        if !snapshot.isEmpty { try await resync(snapshot, endpoint: endpoint, sink) }
    }

    /// An endpoint refused program subscriptions (no `programSubscribe`, a budget): the accounts
    /// they carry are polled over HTTP, and the subscription is retried at the next reconnect.
    func programsRefused(shard id: Int, _ refused: [(ProgramSubscription, Error)], _ sink: any AccountSink) {
        sink.record(.subscriptionsRefused(refused.count))
        let keys = lock.withLock { () -> Set<Pubkey> in
            var keys = Set<Pubkey>()
            for (p, _) in refused { keys.formUnion(covered[p] ?? []) }
            for k in keys { refusedAt[k] = Date() }
            return keys
        }
        logger.error(
            "ingest: connection \(id): \(refused.count) program subscription(s) refused, first \(refused[0].0): \(refused[0].1); their \(keys.count) account(s) are kept fresh by re-reads"
        )
    }

    /// An endpoint refused some subscriptions of a connection that holds `accepted`. Below the
    /// plan's capacity that is the provider's per-connection limit (lower than configured): the
    /// capacity drops to it for every connection and the overflow moves to other or new
    /// connections, so every account keeps a live subscription. A key refused as invalid
    /// (JSON-RPC -32602), or refused on a connection that took fewer than
    /// `minimumLearnedCapacity` (more likely a provider-wide budget running out than a
    /// per-connection limit; re-sharding would only open connections that are refused too),
    /// waits for the retry.
    func subscriptionsRefused(shard id: Int, refused: [(Pubkey, Error)], accepted: Int, _ sink: any AccountSink) {
        sink.record(.subscriptionsRefused(refused.count))
        let invalid = refused.contains { TransportError.rpcCode(of: $0.1) == -32602 }
        let keys = refused.map(\.0)
        let (lowered, from): (Set<Int>?, Int) = lock.withLock {
            let from = plan.capacity
            let touched =
                invalid || accepted < Self.minimumLearnedCapacity
                ? nil : plan.lowerCapacity(to: accepted, evicting: keys.map(SubscriptionItem.account))
            if touched != nil { for k in keys { refusedAt[k] = nil } } else { for k in keys { refusedAt[k] = Date() } }
            for s in touched ?? [] where s < shards.count { shards[s].signal.fire() }
            return (touched, from)
        }
        if lowered != nil {
            let change = from == accepted ? "capacity already \(accepted)" : "capacity lowered from \(from) to \(accepted)"
            logger.warning(
                "ingest: connection \(id): the endpoint refused subscriptions beyond \(accepted) per connection (\(refused[0].1)); \(change), \(keys.count) account(s) move to other connections"
            )
            replanLast()
        } else {
            logger.error(
                "ingest: connection \(id): \(keys.count) subscription(s) refused, first \(keys[0]): \(refused[0].1); kept fresh by re-reads, retried in \(Int(Self.refusedRetrySeconds)) s"
            )
        }
    }

    /// Applies notifications until the connection ends; also picks up plan changes for this shard.
    func stream(shard id: Int, ws: PubSubConnection, endpoint: Int, _ sink: any AccountSink) async throws {
        let signal = lock.withLock { shards[id].signal }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                for await event in ws.events {
                    switch event {
                    case let .account(account, receivedAt):
                        let applied = sink.apply(account, receivedAt: receivedAt)
                        noteUpdate(id, applied: applied, ws: ws)
                    case .slot:
                        noteUpdate(id, applied: nil, ws: ws)
                    case .malformed(let why):
                        sink.record(.malformed("connection \(id): unreadable frame: \(why)"))
                    case .closed(let error):
                        throw error ?? TransportError.connectionClosed
                    }
                }
                throw TransportError.connectionClosed
            }
            group.addTask { [self] in
                while true {
                    await signal.wait(timeout: 1)
                    try Task.checkCancellation()
                    try await reconcile(shard: id, ws: ws, endpoint: endpoint, snapshotAll: false, sink)
                }
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    /// Counts an applied update (nil: a slot tick) and, at most ~10 times a second, refreshes the
    /// connection's health (last message, notification counts).
    func noteUpdate(_ id: Int, applied: Bool?, ws: PubSubConnection) {
        let refresh = lock.withLock { () -> Bool in
            guard shards.indices.contains(id) else { return false }
            if applied == true { shards[id].applied += 1 }
            let now = ProcessInfo.processInfo.systemUptime
            if let last = lastHealthWrite[id], now - last < 0.1 { return false }
            lastHealthWrite[id] = now
            return true
        }
        guard refresh else { return }
        let counts = ws.notificationCounts
        lock.withLock {
            var s = shards[id]
            s.health.lastMessageAt = Date().timeIntervalSince1970
            s.health.updatesReceived = s.receivedBefore + counts.received
            s.health.updatesDroppedUnfollowed = s.droppedBefore + counts.unfollowed
            s.health.updatesApplied = s.applied
            shards[id] = s
        }
    }

    func updateHealth(_ id: Int, _ body: (inout ConnectionHealth) -> Void) {
        lock.withLock {
            guard shards.indices.contains(id) else { return }
            body(&shards[id].health)
        }
    }
}

/// One shard's bookkeeping.
struct ShardState {
    let id: Int
    var endpoint: Int
    var health: ConnectionHealth
    var started = false
    let signal = Signal()
    /// Accounts the live connection's program subscriptions deliver (its follow set), and what it was computed from.
    var followed: Set<Pubkey> = []
    var coverage: CoverageKey?
    struct CoverageKey: Equatable { var version: UInt64, items: Int, programs: Int }
    /// Notification counts of earlier connects, and updates applied (all connects).
    var receivedBefore: UInt64 = 0
    var droppedBefore: UInt64 = 0
    var applied: UInt64 = 0
}
