import Dex
import Foundation
import SolanaCore

extension Cluster {
    /// The real mainnet accounts bundled with the product (Sources/Simulator/Snapshots).
    public static func bundledAccounts() throws -> [AccountData] {
        guard let root = Bundle.module.url(forResource: "Snapshots", withExtension: nil) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "bundled snapshots missing"])
        }
        return Array(SnapshotQuoter.index(try AccountFile.loadAll(paths: [root.path])).values).sorted { $0.address < $1.address }
    }

    /// A cluster of the bundled pools; with `pools` > the bundled count, pools of every kind are
    /// cloned under new addresses (see `PoolCloner`) until there are that many.
    public static func bundled(seed: UInt64 = 1, pools: Int? = nil, swapsPerSlot: Int = 2) throws -> Cluster {
        var accounts = try bundledAccounts()
        if let wanted = pools { accounts = PoolCloner.clone(accounts: accounts, toPoolCount: wanted) }
        return Cluster(accounts: accounts, seed: seed, swapsPerSlot: swapsPerSlot)
    }
}

/// Synthesises more pools from the real snapshots for scale tests. A clone copies a quotable pool
/// under a new address with its own copies of the token accounts it holds (vaults, DAMM v1 LP
/// accounts) and of its PDA-derived accounts (tick arrays, bin arrays, bitmap extensions, oracle),
/// re-derived from the new pool address with their pool field patched, so the program's address
/// checks still hold. Clones keep the real mints, so the same pairs trade in many pools and
/// cross-pool mispricings appear as they trade apart.
///
/// ```swift
/// let accounts = PoolCloner.clone(accounts: try Cluster.bundledAccounts(), toPoolCount: 10_000)
/// ```
public enum PoolCloner {
    /// A dependent account re-derived per clone: the template's copy, where the pool key sits in it,
    /// and how its address follows from the new pool address.
    struct Derived {
        let template: AccountData
        let poolFieldOffset: Int
        let address: (Pubkey) -> Pubkey?
    }

    /// How one template pool is copied.
    struct Recipe {
        let pool: AccountData
        /// Offsets (in the pool account) of token accounts the pool owns outright.
        let ownedAccountOffsets: [Int]
        let derived: [Derived]
    }

    static func ownedAccountOffsets(_ a: AccountData) -> [Int]? {
        if RaydiumAmmV4Info.matches(a) { return [336, 368] }
        if RaydiumCpmmPoolState.matches(a) { return [72, 104] }
        if OrcaTokenSwapState.matches(a) { return [35, 67] }
        if PumpSwapPoolState.matches(a) { return [139, 171] }
        if MeteoraDammV2PoolState.matches(a) { return [232, 264] }
        if MeteoraDammV1PoolState.matches(a) { return [168, 200] }  // the pool's vault-LP accounts; vaults are shared
        if RaydiumClmmPoolState.matches(a) { return [137, 169] }
        if OrcaWhirlpoolState.matches(a) { return [133, 213] }
        if MeteoraDlmmLbPair.matches(a) { return [152, 184] }
        return nil
    }

    static func recipes(_ accounts: [AccountData]) -> [Recipe] {
        let byKey = Dictionary(accounts.map { ($0.address, $0) }, uniquingKeysWith: { a, _ in a })
        // Pools' PDA-derived dependents, grouped by the pool they name.
        var clmmArrays: [Pubkey: [RaydiumClmmTickArray]] = [:], whirlArrays: [Pubkey: [(AccountData, OrcaWhirlpoolTickArray)]] = [:]
        var dlmmArrays: [Pubkey: [MeteoraDlmmBinArray]] = [:]
        for a in accounts {
            if RaydiumClmmTickArray.matches(a), let t = try? RaydiumClmmTickArray(a) { clmmArrays[t.poolId, default: []].append(t) }
            if OrcaWhirlpoolTickArray.matches(a), let t = try? OrcaWhirlpoolTickArray(a) { whirlArrays[t.whirlpool, default: []].append((a, t)) }
            if MeteoraDlmmBinArray.matches(a), let b = try? MeteoraDlmmBinArray(a) { dlmmArrays[b.lbPair, default: []].append(b) }
        }
        func pda(_ seeds: [[UInt8]], _ program: Pubkey) -> Pubkey? { ProgramAddress.find(seeds: seeds, programId: program)?.0 }
        var out: [Recipe] = []
        for pool in accounts {
            guard let owned = ownedAccountOffsets(pool),
                  let model = try? SnapshotQuoter.pool(address: pool.address, accounts: byKey),
                  (try? model.price(context: QuoteContext(now: Cluster.defaultGenesisTime))) != nil else { continue }
            var derived: [Derived] = []
            if RaydiumClmmPoolState.matches(pool) {
                for t in clmmArrays[pool.address] ?? [] {
                    derived.append(Derived(template: byKey[t.address]!, poolFieldOffset: 8) {
                        RaydiumClmmPool.tickArrayAddress(pool: $0, startTickIndex: t.startTickIndex)
                    })
                }
                let seed = Array("pool_tick_array_bitmap_extension".utf8)
                if let ext = pda([seed, pool.address.bytes], ProgramIds.raydiumClmm).flatMap({ byKey[$0] }) {
                    derived.append(Derived(template: ext, poolFieldOffset: 8) { pda([seed, $0.bytes], ProgramIds.raydiumClmm) })
                }
            } else if OrcaWhirlpoolState.matches(pool) {
                for (a, t) in whirlArrays[pool.address] ?? [] {
                    derived.append(Derived(template: a, poolFieldOffset: t.isDynamic ? 12 : 9956) {
                        OrcaWhirlpoolPool.tickArrayAddress(pool: $0, start: Int(t.startTickIndex))
                    })
                }
                if let oracle = pda([Array("oracle".utf8), pool.address.bytes], ProgramIds.orcaWhirlpool).flatMap({ byKey[$0] }) {
                    derived.append(Derived(template: oracle, poolFieldOffset: 8) { pda([Array("oracle".utf8), $0.bytes], ProgramIds.orcaWhirlpool) })
                }
            } else if MeteoraDlmmLbPair.matches(pool) {
                for b in dlmmArrays[pool.address] ?? [] {
                    derived.append(Derived(template: byKey[b.address]!, poolFieldOffset: 24) { MeteoraDlmm.binArrayAddress(pool: $0, index: b.index) })
                }
                if let ext = byKey[MeteoraDlmm.bitmapExtensionAddress(pool: pool.address)] {
                    derived.append(Derived(template: ext, poolFieldOffset: 8) { MeteoraDlmm.bitmapExtensionAddress(pool: $0) })
                }
            }
            out.append(Recipe(pool: pool, ownedAccountOffsets: owned, derived: derived))
        }
        return out.sorted { $0.pool.address < $1.pool.address }
    }

    /// Adds clones (round-robin over the quotable bundled pools) until there are `wanted` pools.
    public static func clone(accounts: [AccountData], toPoolCount wanted: Int) -> [AccountData] {
        let byKey = Dictionary(accounts.map { ($0.address, $0) }, uniquingKeysWith: { a, _ in a })
        let existing = accounts.filter { a in AccountRegistry.poolModels.contains { $0.isPool(a) } }.count
        guard wanted > existing else { return accounts }
        let templates = recipes(accounts)
        guard !templates.isEmpty else { return accounts }
        var out = accounts
        out.reserveCapacity(accounts.count + (wanted - existing) * 6)
        for i in 0..<(wanted - existing) {
            let recipe = templates[i % templates.count]
            let template = recipe.pool
            func derive(_ tag: String, _ key: Pubkey) -> Pubkey {
                Pubkey(bytes: SHA256.hash(Array("clone:\(i):\(tag)".utf8) + key.bytes))!
            }
            var pool = template
            pool.address = derive("pool", template.address)
            var w = ByteWriter(pool.data)
            for offset in recipe.ownedAccountOffsets {
                guard let key = try? ByteReader(template.data).pubkey(offset), var owned = byKey[key] else { continue }
                owned.address = derive("account\(offset)", key)
                w.put(owned.address, at: offset)
                out.append(owned)
            }
            pool.data = w.bytes
            out.append(pool)
            for d in recipe.derived {
                guard let key = d.address(pool.address) else { continue }
                var copy = d.template
                copy.address = key
                var dw = ByteWriter(copy.data)
                dw.put(pool.address, at: d.poolFieldOffset)
                copy.data = dw.bytes
                out.append(copy)
            }
        }
        return out
    }
}
