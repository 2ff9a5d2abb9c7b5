import Arbitrage
import Cache
import Foundation
import SolanaCore

/// One reader of the store's changes and of the opportunity feed for every `/v1/stream` client:
/// each change is looked up and rendered once, then handed, already rendered, to each client
/// (which only filters and writes), so 64 subscribers do not cost 64 renders. Opportunities are
/// sent when they appear or change (`"event":"appeared"|"updated"`), not again while unchanged,
/// and `{"type":"opportunity_gone"}` says when one no longer stands.
///
/// Runs while there are clients: the first `subscribe` starts it, the last `unsubscribe` stops it.
/// Each client's queue is bounded (newest kept), like the store's change buffer it replaces.
///
/// ```swift
/// let (id, messages) = fanout.subscribe()
/// for await m in messages where filter.wants(m) { try await send(m.text) }
/// fanout.unsubscribe(id)
/// ```
// @unchecked Sendable: `lock` guards clients, pump and sentOpportunities; the rest are lets.
final class StreamFanout: @unchecked Sendable {
    /// A message rendered once, with what client filters match on.
    struct Message: Sendable {
        let text: String
        /// (pool, its mints) the message concerns: one for a pool update, one per leg otherwise.
        let pools: [(pool: Pubkey, mints: [Pubkey])]
    }

    let store: PoolStore
    let opportunities: (any OpportunityProvider)?
    let clock: @Sendable () -> Double
    let metrics: ServiceMetrics
    /// How often standing opportunities are checked for ones that are gone.
    let goneCheckSeconds: Double
    static let clientBuffer = 4_096

    private let lock = NSLock()
    private var clients: [UUID: AsyncStream<Message>.Continuation] = [:]
    private var pump: Task<Void, Never>?
    /// Per route key, the economics last sent (an unchanged opportunity is not sent again).
    private var sentOpportunities: [[Pubkey]: Economics] = [:]

    /// What makes an opportunity "the same" for a client: amounts and profit, not its timestamp.
    struct Economics: Equatable {
        let inputAmount: UInt64
        let outputAmount: UInt64
        let profit: UInt64
        let legs: [UInt64]
        init(_ o: Opportunity) {
            inputAmount = o.inputAmount; outputAmount = o.outputAmount; profit = o.profit
            legs = o.route.flatMap { [$0.inAmount, $0.outAmount] }
        }
    }

    init(
        store: PoolStore, opportunities: (any OpportunityProvider)?, metrics: ServiceMetrics, goneCheckSeconds: Double = 1,
        clock: @escaping @Sendable () -> Double
    ) {
        self.store = store; self.opportunities = opportunities; self.metrics = metrics
        self.goneCheckSeconds = goneCheckSeconds; self.clock = clock
    }

    func subscribe() -> (UUID, AsyncStream<Message>) {
        let id = UUID()
        let (stream, c) = AsyncStream<Message>.makeStream(bufferingPolicy: .bufferingNewest(Self.clientBuffer))
        lock.withLock {
            clients[id] = c
            if pump == nil { pump = Task { [weak self] in await self?.run() } }
        }
        return (id, stream)
    }

    func unsubscribe(_ id: UUID) {
        let (c, stop): (AsyncStream<Message>.Continuation?, Task<Void, Never>?) = lock.withLock {
            let c = clients.removeValue(forKey: id)
            guard clients.isEmpty, let p = pump else { return (c, nil) }
            pump = nil
            sentOpportunities = [:]
            return (c, p)
        }
        c?.finish()
        stop?.cancel()
    }

    var clientCount: Int { lock.withLock { clients.count } }

    private func broadcast(_ m: Message) {
        for c in lock.withLock({ Array(clients.values) }) { c.yield(m) }
    }

    private func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.pumpChanges() }
            if let opportunities {
                group.addTask { await self.pumpOpportunities(opportunities) }
                group.addTask { await self.checkGone(opportunities) }
            }
            await group.waitForAll()
        }
    }

    private func pumpChanges() async {
        let (id, changes) = store.changes()
        defer { store.stopChanges(id) }
        await withTaskCancellationHandler {
            for await change in changes {
                guard let e = store.entry(change.pool), let m = e.model else { continue }
                let text = JSONText.object([
                    ("type", .string("pool_update")), ("slot", J.u64(change.slot)),
                    ("pool", PoolJSON.pool(e, now: clock(), detail: false)),
                ]).rendered
                metrics.streamRenders.increment()
                broadcast(Message(text: text, pools: [(change.pool, [m.mintA, m.mintB])]))
            }
        } onCancel: {
            store.stopChanges(id)
        }
    }

    private func pumpOpportunities(_ provider: any OpportunityProvider) async {
        let updates = provider.opportunityUpdates()
        for await o in updates {
            if Task.isCancelled { break }
            let key = o.routeKey
            let economics = Economics(o)
            let (before, unchanged): (Economics?, Bool) = lock.withLock {
                let p = sentOpportunities[key]
                if p == economics { return (p, true) }
                sentOpportunities[key] = economics
                return (p, false)
            }
            if unchanged {
                metrics.streamUnchangedSkipped.increment()
                continue
            }
            let text = JSONText.object([
                ("type", .string("opportunity")), ("event", .string(before == nil ? "appeared" : "updated")),
                ("opportunity", OpportunityJSON.bot(o)),
            ]).rendered
            metrics.streamRenders.increment()
            broadcast(Message(text: text, pools: o.route.map { ($0.pool, [$0.inputMint, $0.outputMint]) }))
        }
    }

    /// Every `goneCheckSeconds`: opportunities sent before that no longer stand are announced gone.
    private func checkGone(_ provider: any OpportunityProvider) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(Int(goneCheckSeconds * 1000)))
            if Task.isCancelled { return }
            let standing = Set(provider.currentOpportunities().map(\.routeKey))
            let gone: [[Pubkey]] = lock.withLock {
                let g = sentOpportunities.keys.filter { !standing.contains($0) }
                for k in g { sentOpportunities.removeValue(forKey: k) }
                return g
            }
            for key in gone {
                let text = JSONText.object([
                    ("type", .string("opportunity_gone")), ("input_mint", J.key(key[0])), ("route", .array(key.dropFirst().map(J.key))),
                ]).rendered
                broadcast(Message(text: text, pools: key.dropFirst().map { ($0, [key[0]]) }))
            }
        }
    }
}
