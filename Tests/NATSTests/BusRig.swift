import Cache
import Dex
import Foundation
import Ingest
import IngestTestSupport
import Logging
import NATS
import NATSSync
import Server
import SolanaCore
import XCTest

/// A shard (RPC from the simulator → store → NATS publisher) or a follower (NATS → store, no
/// RPC), in process, against real nats-server processes.
final class BusNode: @unchecked Sendable {
    let store: PoolStore
    let engine: IngestEngine
    let publisher: NATSPublisher?
    let follower: NATSAccountSource?
    let task: Task<Void, Error>

    init(store: PoolStore, engine: IngestEngine, publisher: NATSPublisher?, follower: NATSAccountSource?) {
        self.store = store; self.engine = engine; self.publisher = publisher; self.follower = follower
        task = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await engine.run() }
                if let publisher { group.addTask { try await publisher.run() } }
                defer { group.cancelAll() }
                try await group.next()
            }
        }
    }

    var status: BusStatus { (publisher?.busStatus() ?? follower?.busStatus() ?? [])[0] }

    /// Cancels and waits (bounded) for the node to end.
    func stop() async {
        task.cancel()
        follower?.shutdown()
        _ = await SimulatorHarness.eventually(timeout: 5) { self.publisher?.client.currentState ?? .closed == .closed }
    }

    static var logger: Logger {
        var l = Logger(label: "nats-test")
        l.logLevel = ProcessInfo.processInfo.environment["NATS_TEST_LOG"] == nil ? .critical : .debug
        return l
    }

    static func settings(_ urls: [String], shard: String = "a") -> NATSSettings {
        var s = NATSSettings(urls: urls)
        s.shard = shard
        s.heartbeatSeconds = 0.2
        s.shardDeadlineSeconds = 1.5
        s.ackTimeoutSeconds = 1.5
        return s
    }

    static func publisher(sim: SimulatorHarness, urls: [String], shard: String = "a", pools: [Pubkey], replicas: Int? = nil) throws -> BusNode {
        let endpoint = IngestConfig.Endpoint(websocketURL: sim.wsURL, httpURL: sim.httpURL, requestsPerSecond: 500)
        let store = PoolStore()
        for p in pools { store.addPool(PoolConfig(address: p)) }
        let engine = try IngestEngine(store: store, config: .forTests(endpoints: [endpoint]), logger: logger)
        var s = settings(urls, shard: shard)
        s.publish = true
        s.replicas = replicas
        return BusNode(store: store, engine: engine, publisher: try NATSPublisher(settings: s, store: store, logger: logger), follower: nil)
    }

    static func follower(urls: [String], pools: [Pubkey], deadline: Double = 1.5) throws -> BusNode {
        let store = PoolStore()
        for p in pools { store.addPool(PoolConfig(address: p)) }
        var s = settings(urls)
        s.follow = true
        s.shardDeadlineSeconds = deadline
        let source = try NATSAccountSource(settings: s, logger: logger)
        let engine = IngestEngine(store: store, config: .forTests(endpoints: []), source: source, logger: logger)
        return BusNode(store: store, engine: engine, publisher: nil, follower: source)
    }
}

enum BusChecks {
    /// Pauses the chain, then waits until the follower equals the chain and every publisher, pool
    /// by pool and account by account (bytes and slot), and its quotes equal theirs. Returns the
    /// time it took (seconds).
    @discardableResult
    static func assertFollowerEqualsPublishers(
        _ follower: BusNode, _ publishers: [BusNode], sim: SimulatorHarness, timeout: Double = 30,
        file: StaticString = #filePath, line: UInt = #line
    ) async throws -> Double {
        try await sim.control("simulatorPause")
        let started = Date()
        var problems: [String] = []
        let ok = await SimulatorHarness.eventually(timeout: timeout) {
            problems = differences(follower, publishers, sim: sim)
            return problems.isEmpty
        }
        XCTAssertTrue(ok, "follower differs: \(problems.prefix(6))", file: file, line: line)
        let took = Date().timeIntervalSince(started)
        // Quotes from the same state with the same clock: equal, for a set that is not empty.
        let context = QuoteContext(now: Int64(Date().timeIntervalSince1970), epoch: 800, slot: sim.cluster.slot)
        var compared = 0
        for e in follower.store.entries() {
            guard let p = publishers.compactMap({ $0.store.entry(e.address) }).first(where: { $0.model != nil }), let pm = p.model,
                let fm = e.model, let price = p.price
            else { continue }
            let amount = max(1, (price.reserveA ?? 1_000_000) / 1_000)
            let a = describe { try pm.quote(amountIn: amount, inputMint: price.mintA, context: context) }
            let b = describe { try fm.quote(amountIn: amount, inputMint: price.mintA, context: context) }
            XCTAssertEqual(a, b, "quote of \(e.address)", file: file, line: line)
            if a.contains("amountOut") { compared += 1 }
        }
        XCTAssertGreaterThan(compared, 0, "no quote compared", file: file, line: line)
        try await sim.control("simulatorResume")
        return took
    }

    /// A quote or the error it threw, as text (both sides must agree on either).
    static func describe(_ quote: () throws -> Quote) -> String {
        do { return "\(try quote())" } catch { return "error: \(error)" }
    }

    static func differences(_ follower: BusNode, _ publishers: [BusNode], sim: SimulatorHarness) -> [String] {
        var out = SimulatorHarness.mismatches(store: follower.store, cluster: sim.cluster)
        let entries = follower.store.entries()
        if entries.isEmpty { out.append("follower has no pools") }
        for e in entries {
            guard e.status == .ok else {
                out.append("\(e.address.short): \(e.status)")
                continue
            }
            guard let p = publishers.compactMap({ $0.store.entry(e.address) }).first else {
                out.append("\(e.address.short): no publisher has it")
                continue
            }
            for key in [e.address] + e.watched {
                // An account several shards hold (a mint): the follower keeps the newest of them.
                let a = follower.store.account(key)
                let b = publishers.compactMap { $0.store.account(key) }.max { $0.slot < $1.slot }
                if a?.data != b?.data || a?.slot != b?.slot || a?.owner != b?.owner || a?.lamports != b?.lamports {
                    out.append("\(key.short): follower slot \(a?.slot ?? 0), publisher \(b?.slot ?? 0)")
                }
            }
            if e.watched != p.watched {
                let only = Set(e.watched).symmetricDifference(p.watched).map(\.short).sorted()
                out.append(
                    "\(e.address.short) (\(e.model?.dex.rawValue ?? "?")): watch lists differ in \(only): "
                        + "\(e.watched.map(\.short)) vs \(p.watched.map(\.short))")
            }
            // With several shards, an account two of them hold (a mint) is the newest of both here,
            // so the pool's slot range may be later than on its own shard; everything else is equal.
            let drop: Set<String> = publishers.count > 1 ? ["updates", "age_ms", "slot", "slot_spread"] : ["updates", "age_ms"]
            if comparable(PoolJSON.pool(e, now: 0, detail: true), drop) != comparable(PoolJSON.pool(p, now: 0, detail: true), drop) {
                out.append("\(e.address.short): /v1/pools JSON differs")
            }
            if out.count > 20 { break }
        }
        return out
    }

    /// The pool JSON without the fields that count local events (applies, age) and those in `drop`.
    static func comparable(_ j: JSONText, _ drop: Set<String>) -> String {
        guard case .object(let pairs) = j else { return j.rendered }
        return JSONText.object(pairs.filter { !drop.contains($0.0) }).rendered
    }
}
