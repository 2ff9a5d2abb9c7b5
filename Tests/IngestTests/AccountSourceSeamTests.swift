import Cache
import Dex
import Foundation
import Ingest
import Simulator
import SolanaCore
import XCTest

/// A second account source, with no sockets at all: reads and slot events straight from an
/// in-process `Cluster`, as a NATS or gRPC feed would hand them over. The engine and the store
/// must treat it exactly like JSON-RPC + PubSub.
// @unchecked Sendable: `lock` guards wanted and _reads; `cluster` is a let and locks itself.
final class ClusterFeedSource: AccountSource, @unchecked Sendable {
    let cluster: Cluster
    private let lock = NSLock()
    private var wanted: Set<Pubkey> = []
    private var _reads = 0
    var reads: Int { lock.withLock { _reads } }
    init(_ cluster: Cluster) { self.cluster = cluster }

    var followed: Set<Pubkey> { lock.withLock { wanted } }

    func read(_ keys: [Pubkey]) async throws -> [AccountData?] {
        lock.withLock { _reads += 1 }
        return cluster.accounts(keys)
    }
    func follow(_ wanted: Set<Pubkey>) { lock.withLock { self.wanted = wanted } }
    func run(into sink: any AccountSink) async throws {
        let (id, events) = cluster.subscribe()
        defer { cluster.unsubscribe(id) }
        // Subscribed first, then resynced: nothing between the two is lost.
        sink.resync(cluster.accounts(Array(followed)).compactMap { $0 })
        for await event in events {
            let mine = followed
            for a in event.changed where mine.contains(a.address) { sink.update(a, receivedAt: ProcessInfo.processInfo.systemUptime) }
        }
    }
    func connections() -> [ConnectionHealth] { [] }
    func contribute(to counters: inout IngestCounters) {}
}

final class AccountSourceSeamTests: XCTestCase {
    func testEngineOnAnotherSourceValidatesFollowsAndOrdersBySlot() async throws {
        let cluster = try Cluster.bundled(seed: 5)
        let pools = cluster.poolAddresses
        XCTAssertFalse(pools.isEmpty)
        let store = PoolStore(context: { QuoteContext(now: cluster.now, slot: cluster.slot) })
        for p in pools { store.addPool(PoolConfig(address: p)) }
        let source = ClusterFeedSource(cluster)
        let engine = IngestEngine(store: store, config: IngestConfig(endpoints: []), source: source)
        let task = Task { try await engine.run() }
        defer { task.cancel() }

        // Every pool validates from this source alone, and the source follows each pool and its dependents.
        try await waitUntil("every pool ok") { pools.allSatisfy { store.entry($0)?.status == .ok } }
        // The engine hands the watch set to the source once validation has finished (just after the last pool turns ok).
        try await waitUntil("watch set handed to the source") { !source.followed.isEmpty }
        let followed = source.followed
        for p in pools {
            XCTAssertTrue(followed.contains(p), "\(p) followed")
            for k in store.entry(p)?.watched ?? [] { XCTAssertTrue(followed.contains(k), "\(p) dependent \(k) followed") }
        }
        XCTAssertGreaterThan(source.reads, 0)

        // A swap on the cluster reaches the store through the source, priced as a fresh model prices the new bytes.
        let pool = pools[0]
        let model = try XCTUnwrap(cluster.model(pool))
        let reserve = try model.price(context: QuoteContext(now: cluster.now)).reserveA ?? 1_000_000
        let before = try XCTUnwrap(store.entry(pool)?.price?.priceBPerA)
        _ = try cluster.swap(pool: pool, inputMint: model.mintA, amountIn: max(1, reserve / 50))
        let accounts = Dictionary(cluster.allAccounts().map { ($0.address, $0) }, uniquingKeysWith: { a, _ in a })
        let expected = try SnapshotQuoter.pool(address: pool, accounts: accounts).price(context: QuoteContext(now: cluster.now)).priceBPerA
        XCTAssertNotEqual(expected, before, "the swap moved the price")
        try await waitUntil("swap visible") { store.entry(pool)?.price?.priceBPerA == expected }

        // An older version of an account delivered later is ignored by slot order.
        let key = try XCTUnwrap(
            store.entry(pool)?.watched.first { cluster.previousVersion($0) != nil } ?? (cluster.previousVersion(pool) != nil ? pool : nil))
        let old = try XCTUnwrap(cluster.previousVersion(key))
        let ignoredBefore = engine.counters().ignoredOlder
        engine.update(old, receivedAt: ProcessInfo.processInfo.systemUptime)
        XCTAssertEqual(engine.counters().ignoredOlder, ignoredBefore + 1)
        XCTAssertEqual(store.entry(pool)?.price?.priceBPerA, expected, "the older bytes changed nothing")
    }

    func testDiscoveryNeedsASourceThatListsProgramAccounts() async throws {
        let engine = IngestEngine(store: PoolStore(), config: IngestConfig(endpoints: []), source: ClusterFeedSource(try Cluster.bundled()))
        do {
            _ = try await engine.discoverPools(mints: [KnownMints.wsol, KnownMints.usdc])
            XCTFail("discovery on a source without program-account reads must fail")
        } catch let e as IngestError {
            XCTAssertTrue(e.description.contains("cannot list program accounts"), e.description)
        }
    }

    private func waitUntil(_ what: String, timeout: Double = 20, _ ok: () -> Bool) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !ok() {
            if Date() > deadline { XCTFail("timed out waiting for \(what)"); return }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
    }
}
