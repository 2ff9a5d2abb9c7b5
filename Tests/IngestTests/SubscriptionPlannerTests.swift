import Cache
import Dex
import Foundation
import RPC
import Simulator
import SolanaCore
import XCTest

@testable import Ingest

/// The subscription planner and the connection budget, without a network: what each followed
/// account is subscribed by, on real cloned pools.
final class SubscriptionPlannerTests: XCTestCase {
    /// A store holding every account of a cluster of `pools` pools, and the engine's view of it.
    static func followed(pools: Int?) throws -> (PoolStore, [FollowedAccount]) {
        var accounts = try Cluster.bundledAccounts()
        if let pools { accounts = PoolCloner.clone(accounts: accounts, toPoolCount: pools) }
        let cluster = Cluster(accounts: accounts, seed: 7, swapsPerSlot: 0)
        let store = PoolStore()
        for p in cluster.poolAddresses { store.addPool(PoolConfig(address: p)) }
        let all = cluster.allAccounts()
        // Pools first learn their dependents, then take them (a few rounds for arrays found through bitmaps).
        for _ in 0..<4 { for a in all { store.apply(a, receivedAt: 0) } }
        let config = IngestConfig(endpoints: [.init(websocketURL: "ws://127.0.0.1:1")])
        let engine = IngestEngine(store: store, config: config, source: try RPCAccountSource(config: config))
        return (store, engine.followedAccounts())
    }

    func testProgramModeCoversEveryFollowedAccountWithAFilterItMatches() throws {
        let (store, followed) = try Self.followed(pools: 1_400)
        XCTAssertGreaterThan(followed.count, 7_000)
        let plan = SubscriptionPlanner(mode: .program, threshold: 99).plan(followed)
        XCTAssertEqual(Set(plan.programDexes), Set(DexRegistry.all.map(\.kind)))
        var carried = Set<Pubkey>()
        for (sub, keys) in plan.programs {
            for key in keys {
                carried.insert(key)
                // An account on chain is delivered by this subscription's filters; one not on chain yet rides the DEX's kinds.
                if let held = store.account(key) { XCTAssertTrue(sub.matches(held), "\(key) is not matched by \(sub)") }
            }
        }
        XCTAssertTrue(carried.isDisjoint(with: plan.accounts))
        XCTAssertEqual(carried.union(plan.accounts), Set(followed.map(\.address)), "every followed account has a way in")
        XCTAssertLessThan(plan.accounts.count, 30, "only shared mints, configs and vault-program accounts stay per account: \(plan.accounts.count)")
        XCTAssertLessThan(plan.programs.count, 40)
        // Shared vault authorities carry every vault of their DEX in one subscription.
        for d in DexRegistry.all {
            guard let authority = d.vaultAuthority else { continue }
            let sub = SubscriptionPlanner.tokenSubscription(program: ProgramIds.splToken, owner: authority)
            XCTAssertGreaterThanOrEqual(plan.programs[sub]?.count ?? 0, 280, "\(d.kind.rawValue) vaults by their authority")
        }
    }

    /// The descriptor facts the planner relies on hold on the bundled mainnet accounts: every pool
    /// matches its DEX's first account kind, and a declared vault authority owns the pool's vaults.
    func testDescriptorKindsAndVaultAuthoritiesMatchTheBundledMainnetAccounts() throws {
        let accounts = try Cluster.bundledAccounts()
        let byKey = Dictionary(accounts.map { ($0.address, $0) }, uniquingKeysWith: { a, _ in a })
        var checked = 0
        for pool in accounts {
            guard let d = DexRegistry.descriptor(forPool: pool) else { continue }
            let kind = try XCTUnwrap(d.programAccountKinds.first, d.kind.rawValue)
            XCTAssertTrue(kind.matches(size: pool.data.count, head: pool.data.prefix(8)), "\(d.kind.rawValue) pool \(pool.address)")
            guard let authority = d.vaultAuthority else { continue }
            for offset in d.ownedAccountOffsets {
                let vault = try XCTUnwrap(byKey[Pubkey(bytes: pool.data[offset..<(offset + 32)])!], "\(d.kind.rawValue) vault @\(offset)")
                XCTAssertEqual(FollowedAccount.tokenOwner(vault), authority, "\(d.kind.rawValue) vault \(vault.address)")
                checked += 1
            }
        }
        XCTAssertEqual(checked, 6, "two vaults each of AMM v4, CPMM and DAMM v2")
    }

    func testAutoChoosesPerDexAndAccountsModeSubscribesOneByOne() throws {
        let (_, small) = try Self.followed(pools: nil)
        let auto = SubscriptionPlanner(mode: .auto, threshold: 99).plan(small)
        XCTAssertEqual(auto.programs.count, 0, "a few accounts per DEX: account subscriptions")
        XCTAssertEqual(auto.accounts, Set(small.map(\.address)))
        let (_, large) = try Self.followed(pools: 600)
        let autoLarge = SubscriptionPlanner(mode: .auto, threshold: 99).plan(large)
        XCTAssertFalse(autoLarge.programDexes.isEmpty)
        var perDex: [DexKind: Int] = [:]
        for a in large { for d in a.dexes { perDex[d, default: 0] += 1 } }
        XCTAssertEqual(Set(autoLarge.programDexes), Set(perDex.filter { $0.value >= 99 }.keys), "program mode exactly where a DEX fills a connection")
        let accounts = SubscriptionPlanner(mode: .accounts, threshold: 99).plan(large)
        XCTAssertEqual(accounts.programs.count, 0)
        XCTAssertEqual(accounts.accounts.count, large.count)
    }

    func testVaultsOfOneOwnerShareASubscriptionOnlyWhenItPays() {
        let dex = DexKind.orcaWhirlpool
        func vault(_ i: UInt8, owner: UInt8) -> FollowedAccount {
            var data = [UInt8](repeating: 0, count: 165)
            data.replaceSubrange(32..<64, with: [UInt8](repeating: owner, count: 32))
            return FollowedAccount(
                address: Pubkey(bytes: [UInt8](repeating: i, count: 32))!,
                held: AccountData(address: .zero, owner: ProgramIds.splToken, data: data), dexes: [dex])
        }
        let plan = SubscriptionPlanner(mode: .program, threshold: 99).plan([vault(1, owner: 9), vault(2, owner: 9), vault(3, owner: 8)])
        let shared = SubscriptionPlanner.tokenSubscription(program: ProgramIds.splToken, owner: Pubkey(bytes: [UInt8](repeating: 9, count: 32))!)
        XCTAssertEqual(plan.programs[shared]?.count, 2, "two vaults of one owner: one subscription")
        XCTAssertEqual(plan.accounts, [Pubkey(bytes: [UInt8](repeating: 3, count: 32))!], "a lone vault is cheaper by itself")
    }

    func testManyFollowedMintsShareOneSubscriptionPerLayout() {
        func mint(_ i: Int, program: Pubkey, size: Int) -> FollowedAccount {
            var data = [UInt8](repeating: 0, count: size)
            if size > 165 { data[165] = 1 }  // Token-2022 account type: mint
            return FollowedAccount(
                address: Pubkey(bytes: [UInt8](repeating: UInt8(i % 250), count: 31) + [UInt8(i / 250)])!,
                held: AccountData(address: .zero, owner: program, data: data), dexes: [.meteoraDlmm])
        }
        let spl = (0..<120).map { mint($0, program: ProgramIds.splToken, size: 82) }
        let extended = (120..<130).map { mint($0, program: ProgramIds.token2022, size: 234) }
        let plan = SubscriptionPlanner(mode: .program, threshold: 99).plan(spl + extended)
        XCTAssertEqual(plan.programs[ProgramSubscription(program: ProgramIds.splToken, filters: [.dataSize(82)])]?.count, 120)
        XCTAssertEqual(plan.accounts.count, 10, "ten Token-2022 mints are cheaper one by one")
        XCTAssertEqual(extended.first?.mintFilter, .memcmp(offset: 165, bytes: [1]))
        XCTAssertEqual(SubscriptionPlanner(mode: .program, threshold: 99).plan(Array(spl.prefix(50))).accounts.count, 50)
    }

    func testShardPlanRespectsTheConnectionBudgetAndSpreadsProgramSubscriptions() {
        var plan = ShardPlan<SubscriptionItem>(capacity: 10, endpointCount: 2, maxShards: 3)
        let programs = (0..<4).map { i in
            SubscriptionItem.program(ProgramSubscription(program: Pubkey(bytes: [UInt8](repeating: UInt8(i + 1), count: 32))!, filters: []))
        }
        let accounts = (0..<40).map { SubscriptionItem.account(Pubkey(bytes: [UInt8](repeating: UInt8(100 + $0), count: 32))!) }
        let delta = plan.update(wanted: Set(programs + accounts)) { $0.program != nil }
        XCTAssertEqual(delta.newShards, [0, 1, 2], "no more connections than the budget")
        XCTAssertEqual(plan.shards.map(\.count), [10, 10, 10])
        XCTAssertEqual(plan.unplaced.count, 14)
        XCTAssertTrue(plan.unplaced.allSatisfy { $0.account != nil }, "program subscriptions are placed first")
        let heavy = plan.shards.map { $0.filter { $0.program != nil }.count }
        XCTAssertEqual(heavy, [2, 2, 0], "program subscriptions spread over one connection per endpoint: \(heavy)")
        XCTAssertEqual(Set((0..<3).map(plan.initialEndpoint)), [0, 1])
        // Room freed: the unplaced ones find it, nothing placed moves.
        let before = plan.shardOf
        let fewer = Set(programs + accounts.prefix(20))
        _ = plan.update(wanted: fewer) { $0.program != nil }
        XCTAssertEqual(plan.unplaced, [])
        for (k, s) in before where fewer.contains(k) { XCTAssertEqual(plan.shardOf[k], s) }
    }
}
