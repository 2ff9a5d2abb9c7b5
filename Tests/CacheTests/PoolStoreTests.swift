import Cache
import Dex
import Foundation
import Simulator
import SolanaCore
import XCTest

/// The slot-ordered store: pools priced from complete account sets, older slots never
/// overwrite newer ones, statuses for foreign accounts, watch sets that follow the price.
final class PoolStoreTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/fixtures/accounts").standardizedFileURL.path

    func accounts(_ folder: String) throws -> [Pubkey: AccountData] {
        SnapshotQuoter.index(try AccountFile.loadAll(paths: ["\(Self.fixtures)/\(folder)"]))
    }

    func feed(_ store: PoolStore, _ accounts: [Pubkey: AccountData], slot: UInt64) {
        // Keep applying what the store watches until nothing new is asked for.
        var offered = Set<Pubkey>()
        for _ in 0..<6 {
            let wanted = store.watchedAccounts().subtracting(offered)
            if wanted.isEmpty { break }
            for key in wanted.sorted() {
                offered.insert(key)
                if var a = accounts[key] { a.slot = slot; store.apply(a, receivedAt: 1) }
            }
        }
    }

    func testAmmV4PricedOnlyOnceComplete() throws {
        let acc = try accounts("raydium-amm-v4")
        let pool = try Pubkey(base58: "58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2")
        let store = PoolStore()
        store.addPool(PoolConfig(address: pool, name: "SOL/USDC", poolType: "amm_v4"))
        var p = acc[pool]!; p.slot = 10
        store.apply(p, receivedAt: 1)
        XCTAssertEqual(store.entry(pool)?.status, .pending, "vaults not applied yet")
        XCTAssertEqual(store.watchedAccounts().count, 3)
        feed(store, acc, slot: 10)
        let e = try XCTUnwrap(store.entry(pool))
        XCTAssertEqual(e.status, .ok)
        XCTAssertEqual(e.price?.reserveA, 66_598_974_111_887)
        XCTAssertEqual(e.lastSlot, 10)
    }

    func testOlderSlotNeverOverwritesNewer() throws {
        let acc = try accounts("raydium-amm-v4")
        let pool = try Pubkey(base58: "58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2")
        let vault = try Pubkey(base58: "DQyrAcCrDXQ7NeoqGgDCZwBvWDcYmFCjSb9JtteuvPpz")
        let store = PoolStore()
        store.addPool(PoolConfig(address: pool))
        feed(store, acc, slot: 100)
        var newer = acc[vault]!
        newer.slot = 105
        var w = ByteWriter(newer.data); w.put(123_456_789_000_000, at: 64); newer.data = w.bytes
        XCTAssertEqual(store.apply(newer, receivedAt: 2).changedPools, [pool])
        var older = acc[vault]!
        older.slot = 104
        let r = store.apply(older, receivedAt: 3)
        XCTAssertTrue(r.ignoredAsOlder)
        XCTAssertEqual(store.account(vault)?.slot, 105)
        XCTAssertEqual(store.entry(pool)?.price?.reserveA, 123_456_789_000_000 - 354_631_774)
        // Same slot again (duplicate notification) is ignored too.
        XCTAssertTrue(store.apply(newer, receivedAt: 4).ignoredAsOlder)
    }

    func testForeignAndMismatchedPoolsGetStatuses() throws {
        let acc = try accounts("raydium-amm-v4")
        let vault = try Pubkey(base58: "DQyrAcCrDXQ7NeoqGgDCZwBvWDcYmFCjSb9JtteuvPpz")
        let pool = try Pubkey(base58: "58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2")
        let store = PoolStore()
        store.addPool(PoolConfig(address: vault, name: "not a pool"))
        store.addPool(PoolConfig(address: pool, name: "labelled wrong", poolType: "whirlpool"))
        store.apply(acc[vault]!, receivedAt: 1)
        store.apply(acc[pool]!, receivedAt: 1)
        XCTAssertEqual(store.entry(vault)?.status.label, "unsupported")
        XCTAssertEqual(store.entry(pool)?.status.label, "unsupported")
        var foreign = acc[pool]!
        foreign.address = try Pubkey(base58: "So11111111111111111111111111111111111111112")
        foreign.owner = try Pubkey(base58: "11111111111111111111111111111111")
        store.addPool(PoolConfig(address: foreign.address))
        store.apply(foreign, receivedAt: 1)
        XCTAssertEqual(store.entry(foreign.address)?.status.label, "wrong_owner")
    }

    func testClmmWatchSetIncludesTickArraysAndPrices() throws {
        let acc = try accounts("raydium-clmm")
        let pool = try Pubkey(base58: "3ucNos4NbumPLZNWztqGHNFFgkHeRMBQAVemeeomsUxv")
        let store = PoolStore()
        store.addPool(PoolConfig(address: pool, poolType: "clmm"))
        feed(store, acc, slot: 7)
        let e = try XCTUnwrap(store.entry(pool))
        XCTAssertEqual(e.status, .ok, "\(e.status)")
        let arrays = try [
            "GsMHDaqRmofaSy41RJ8yhW2QUdFc4LJA2DYNBASfkjJd", "5UGyour8ZxNgNA2JCGcH7L8hbhASnqqSDZ1oWQy6LncA",
            "JCQwkxWu53UDXBVnfKk99D7GZPM6PoEhNgMPNb4HgWdi", "Ciz1cQqTuUgrNAKkFiSR8QbUtsugzYWBrKqXdwvmfRpJ",
        ].map(Pubkey.init(base58:))
        for a in arrays { XCTAssertTrue(store.watchedAccounts().contains(a), "\(a) watched") }
        let q = try e.model!.quote(amountIn: 1_000_000_000, inputMint: KnownMints.wsol, context: QuoteContext(now: 1_783_355_400))
        XCTAssertEqual(q.amountOut, 81_759_001)
    }

    func testRemovePoolStopsWatchingItsAccounts() throws {
        let acc = try accounts("raydium-amm-v4")
        let pool = try Pubkey(base58: "58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2")
        let store = PoolStore()
        store.addPool(PoolConfig(address: pool))
        feed(store, acc, slot: 1)
        XCTAssertTrue(store.removePool(pool))
        XCTAssertTrue(store.watchedAccounts().isEmpty)
        XCTAssertFalse(store.removePool(pool))
        XCTAssertTrue(store.apply(acc[pool]!, receivedAt: 1).unknownAccount)
    }

    /// Every bundled pool of the simulator prices from the store (all DEX kinds wired end to end).
    func testEveryBundledPoolPrices() throws {
        let cluster = try Cluster.bundled(seed: 3)
        let byKey = Dictionary(cluster.allAccounts().map { ($0.address, $0) }, uniquingKeysWith: { a, _ in a })
        let store = PoolStore(context: { QuoteContext(now: 1_783_355_400) })
        for p in cluster.poolAddresses { store.addPool(PoolConfig(address: p)) }
        feed(store, byKey, slot: cluster.slot)
        for e in store.entries() { XCTAssertEqual(e.status, .ok, "\(e.address) \(e.status)") }
        XCTAssertGreaterThanOrEqual(store.poolCount, 8)
    }

    /// The store's mint graph follows the pool set: decoded pools appear under both mints and their
    /// pair; removed pools leave it.
    func testMintGraphFollowsPools() throws {
        let cluster = try Cluster.bundled(seed: 3)
        let byKey = Dictionary(cluster.allAccounts().map { ($0.address, $0) }, uniquingKeysWith: { a, _ in a })
        let store = PoolStore(context: { QuoteContext(now: 1_783_355_400) })
        for p in cluster.poolAddresses { store.addPool(PoolConfig(address: p)) }
        XCTAssertEqual(store.mintGraph().poolCount, 0, "no pool is decoded yet")
        feed(store, byKey, slot: cluster.slot)
        let graph = store.mintGraph()
        XCTAssertEqual(graph.poolCount, cluster.poolAddresses.count)
        XCTAssertEqual(store.highestSlot, store.entries().map(\.lastSlot).max())
        XCTAssertGreaterThan(store.highestSlot, 0)
        XCTAssertFalse(cluster.poolAddresses.isEmpty)
        for p in cluster.poolAddresses {
            let m = try XCTUnwrap(cluster.model(p))
            XCTAssertTrue(graph.pools(of: m.mintA).contains(p))
            XCTAssertTrue(graph.pools(of: m.mintB).contains(p))
            XCTAssertTrue(graph.pools(between: m.mintB, m.mintA).contains(p))
        }
        let gone = cluster.poolAddresses[0]
        let m = try XCTUnwrap(cluster.model(gone))
        XCTAssertTrue(store.removePool(gone))
        XCTAssertFalse(store.mintGraph().pools(of: m.mintA).contains(gone))
        XCTAssertFalse(store.mintGraph().pools(between: m.mintA, m.mintB).contains(gone))
        XCTAssertTrue(graph.pools(of: m.mintA).contains(gone), "an earlier snapshot is unchanged")
    }
}
