import Dex
import Foundation
import PoolMath
import SolanaCore

/// One cached pool: its model (decoded state + dependents), health and freshness.
public struct PoolEntry: Sendable {
    public var config: PoolConfig
    public var status: PoolStatus
    public var model: (any PoolModel)?
    /// Last computed price (nil until the pool's accounts are complete).
    public var price: PoolPrice?
    /// Highest slot among the pool's applied accounts, and the lowest (their spread says how consistent the set is).
    public var lastSlot: UInt64 = 0
    public var oldestSlot: UInt64 = 0
    /// Wall-clock time (unix seconds, fractional) of the last applied update to any of its accounts.
    public var lastUpdate: Double?
    /// Wall-clock time an HTTP re-read last confirmed the held accounts current: a pool that
    /// simply does not trade is quiet, not stale.
    public var lastVerified: Double?
    public var updates: UInt64 = 0
    /// Accounts this pool depends on (besides itself), as last planned.
    public var watched: [Pubkey] = []

    public var address: Pubkey { config.address }
    public var dex: DexKind? { model?.dex }
    public var slotSpread: UInt64 { lastSlot >= oldestSlot ? lastSlot - oldestSlot : 0 }
}

/// What `apply` did with one update.
public struct ApplyResult: Sendable, Equatable {
    /// Pools re-priced by this update.
    public var changedPools: [Pubkey] = []
    /// The update was older than (or as old as) what we hold and was ignored.
    public var ignoredAsOlder = false
    /// The update was for an account no pool uses.
    public var unknownAccount = false
    /// The set of accounts to watch changed (e.g. the price moved to another tick array).
    public var watchSetChanged = false
}

/// A pool whose state changed, for the arbitrage engine and the live stream.
public struct PoolChange: Sendable {
    public let pool: Pubkey
    public let slot: UInt64
}

/// The slot-ordered account store and the pool models built on it. Pure and synchronous
/// (no sockets, no clocks: `receivedAt` is passed in); thread-safe behind one lock.
///
/// ```swift
/// let store = PoolStore()
/// store.addPool(PoolConfig(address: pool))
/// store.apply(account, receivedAt: Date().timeIntervalSince1970)   // pool, vaults, arrays… in any order
/// store.entry(pool)?.price
/// ```
// @unchecked Sendable: `lock` guards accounts, pools, readers, listeners, graph and newestSlot; `context` is immutable.
public final class PoolStore: @unchecked Sendable {
    private let lock = NSLock()
    private var accounts: [Pubkey: AccountData] = [:]
    private var pools: [Pubkey: PoolEntry] = [:]
    /// account → pools that read it (the pool account itself included).
    private var readers: [Pubkey: Set<Pubkey>] = [:]
    private var listeners: [UUID: AsyncStream<PoolChange>.Continuation] = [:]
    /// Pools with a decoded model, by mint and by pair (routing reads it instead of scanning pools).
    private var graph = MintGraph()
    /// Highest slot of any account applied (O(1) for callers that need "now" in slots).
    private var newestSlot: UInt64 = 0
    /// Called, under the lock, with every account update the store took (a bus publisher); the
    /// lock keeps their order the store's order, so the last one published is the one held.
    private var accountObservers: [UUID: @Sendable (AccountData, UInt64) -> Void] = [:]
    /// Counts applied account writes: the write order the observers see.
    private var writeOrder: UInt64 = 0
    /// Clock used for time-dependent prices (fee schedulers, DLMM references).
    public let context: @Sendable () -> QuoteContext

    public init(context: @escaping @Sendable () -> QuoteContext = { QuoteContext(now: Int64(Date().timeIntervalSince1970)) }) {
        self.context = context
    }

    // MARK: pools

    public func addPool(_ config: PoolConfig) {
        lock.withLock {
            guard pools[config.address] == nil else { return }
            pools[config.address] = PoolEntry(config: config, status: .pending)
            readers[config.address, default: []].insert(config.address)
            if let existing = accounts[config.address] { _ = applyLocked(existing, receivedAt: nil, force: true) }
        }
    }

    public func removePool(_ address: Pubkey) -> Bool {
        lock.withLock {
            guard let entry = pools.removeValue(forKey: address) else { return false }
            graph.remove(pool: address)
            for key in entry.watched + [address] {
                readers[key]?.remove(address)
                if readers[key]?.isEmpty == true { readers.removeValue(forKey: key); accounts.removeValue(forKey: key) }
            }
            return true
        }
    }

    /// Marks a pool's status from outside (validation: not found, wrong owner, stale…).
    public func setStatus(_ address: Pubkey, _ status: PoolStatus) {
        lock.withLock { pools[address]?.status = status }
    }

    /// Records that a re-read at `time` found the pool's accounts current; a `stale` pool with a
    /// price becomes `ok` again.
    public func markVerified(_ address: Pubkey, at time: Double) {
        lock.withLock {
            guard var entry = pools[address] else { return }
            entry.lastVerified = time
            if entry.status == .stale, entry.price != nil { entry.status = .ok }
            pools[address] = entry
        }
    }

    public func entry(_ address: Pubkey) -> PoolEntry? { lock.withLock { pools[address] } }
    /// The entries of `addresses` that exist, in that order (one lock for all).
    public func entries(_ addresses: [Pubkey]) -> [PoolEntry] { lock.withLock { addresses.compactMap { pools[$0] } } }
    /// The mint graph of every pool with a decoded model (a snapshot: later changes do not show).
    public func mintGraph() -> MintGraph { lock.withLock { graph } }
    /// The highest slot among the accounts applied so far.
    public var highestSlot: UInt64 { lock.withLock { newestSlot } }
    public func entries() -> [PoolEntry] { lock.withLock { pools.values.sorted { $0.address < $1.address } } }

    /// What a price listing reads of one pool. `updates` and `lastUpdate` together identify the
    /// price's version (the price changes only with them), so renderings can be reused.
    public struct PriceView: Sendable {
        public let address: Pubkey
        public let dex: DexKind?
        public let price: PoolPrice?
        public let lastUpdate: Double?
        public let updates: UInt64
    }

    /// Every pool's price view in address order, without copying whole entries (models, watch
    /// lists): copying and sorting entries was 14 % of `/prices` at 1,000 pools.
    public func priceViews() -> [PriceView] {
        lock.withLock {
            pools.values.map { PriceView(address: $0.address, dex: $0.dex, price: $0.price, lastUpdate: $0.lastUpdate, updates: $0.updates) }
        }.sorted { $0.address < $1.address }
    }
    public var poolCount: Int { lock.withLock { pools.count } }
    public func account(_ key: Pubkey) -> AccountData? { lock.withLock { accounts[key] } }

    /// Every account to subscribe to: pools and their dependents.
    public func watchedAccounts() -> Set<Pubkey> { lock.withLock { Set(readers.keys) } }
    /// The configured pool addresses.
    public func poolAddresses() -> [Pubkey] { lock.withLock { pools.keys.sorted() } }

    // MARK: updates

    /// Applies one account update (slot-ordered: an update not newer than the held one is ignored).
    /// `sameSlotNewer`: the source knows this write follows the held one within the same slot
    /// (a Geyser stream's higher `write_version`), so an equal slot replaces it too.
    @discardableResult
    public func apply(_ update: AccountData, receivedAt: Double, sameSlotNewer: Bool = false) -> ApplyResult {
        let (result, listeners): (ApplyResult, [AsyncStream<PoolChange>.Continuation]) = lock.withLock {
            let r = applyLocked(update, receivedAt: receivedAt, force: false, sameSlotNewer: sameSlotNewer)
            if !r.ignoredAsOlder && !r.unknownAccount && !accountObservers.isEmpty {
                writeOrder += 1
                for o in accountObservers.values { o(update, writeOrder) }
            }
            // Copy the listeners only when there is something to tell them (the hot path allocates little).
            return (r, r.changedPools.isEmpty || self.listeners.isEmpty ? [] : Array(self.listeners.values))
        }
        for pool in result.changedPools {
            for l in listeners { l.yield(PoolChange(pool: pool, slot: update.slot)) }
        }
        return result
    }

    private func applyLocked(_ update: AccountData, receivedAt: Double?, force: Bool, sameSlotNewer: Bool = false) -> ApplyResult {
        var result = ApplyResult()
        guard let poolKeys = readers[update.address], !poolKeys.isEmpty else {
            result.unknownAccount = true
            return result
        }
        // Bytes only pools already rejected (not found, foreign, unsupported) would read are not kept:
        // nothing follows them, so holding them would be state the cache does not track (a late
        // notification can arrive after such a pool was unsubscribed).
        if !force, poolKeys.allSatisfy({ pools[$0].map { Self.isRejected($0.status) } ?? true }) {
            result.unknownAccount = true
            return result
        }
        if !force, let held = accounts[update.address], held.slot > update.slot || (held.slot == update.slot && !sameSlotNewer),
            !(held.slot == 0 && update.slot == 0)
        {
            result.ignoredAsOlder = true
            return result
        }
        accounts[update.address] = update
        newestSlot = max(newestSlot, update.slot)
        for poolKey in poolKeys.count == 1 ? Array(poolKeys) : poolKeys.sorted() {
            guard var entry = pools[poolKey] else { continue }
            let before = entry.watched
            if update.address == poolKey && entry.model == nil {
                do {
                    let model = try AccountRegistry.poolModel(for: update)
                    if let wanted = entry.config.poolType.flatMap(PoolConfig.dex(forPoolType:)), wanted != model.dex {
                        entry.status = .unsupported("configured as \(entry.config.poolType!) but the account is a \(model.dex.rawValue) pool")
                        pools[poolKey] = entry
                        continue
                    }
                    entry.model = model
                    graph.insert(pool: poolKey, mintA: model.mintA, mintB: model.mintB)
                } catch {
                    entry.status = (error as? DecodeError).map(Self.status(for:)) ?? .error("\(error)")
                    pools[poolKey] = entry
                    continue
                }
            }
            guard var model = entry.model else { continue }
            // Drop the other references to the model's existential box so `apply` mutates it in
            // place instead of copying the whole decoded state (tick/bin arrays) on every update.
            entry.model = nil
            pools[poolKey]?.model = nil
            do {
                _ = try model.apply(update)
            } catch {
                // `apply` throws leaving the model unchanged (PoolModel contract): keep it.
                entry.model = model
                entry.status = .error("\(update.address): \(error)")
                pools[poolKey] = entry
                continue
            }
            // Offer every held dependent the model may have just started to need (new arrays, mints).
            for _ in 0..<4 {
                let wanted = model.accountsToWatch().filter { !entry.watched.contains($0) }
                if wanted.isEmpty { break }
                entry.watched += wanted
                for key in wanted {
                    readers[key, default: []].insert(poolKey)
                    if let held = accounts[key] { _ = try? model.apply(held) }
                }
            }
            let now = model.accountsToWatch()
            if now != entry.watched {
                if Set(now) != Set(entry.watched) {
                    // Accounts no longer needed (array set moved): stop reading them.
                    for key in Set(entry.watched).subtracting(now) {
                        readers[key]?.remove(poolKey)
                        if readers[key]?.isEmpty == true { readers.removeValue(forKey: key); accounts.removeValue(forKey: key) }
                    }
                }
                // The model's order, not the order accounts happened to arrive in: two caches fed the
                // same accounts list a pool's watched accounts alike (/v1/pools/:id, a NATS follower).
                entry.watched = now
            }
            result.watchSetChanged = result.watchSetChanged || (before != entry.watched && Set(before) != Set(entry.watched))
            entry.model = model
            entry.updates += 1
            if let receivedAt { entry.lastUpdate = receivedAt }
            var newest: UInt64 = 0, oldest = UInt64.max
            func see(_ key: Pubkey) {
                guard let slot = accounts[key]?.slot else { return }
                newest = max(newest, slot); oldest = min(oldest, slot)
            }
            see(poolKey)
            for key in entry.watched { see(key) }
            entry.lastSlot = newest
            entry.oldestSlot = oldest == .max ? 0 : oldest
            do {
                entry.price = try model.price(context: context())
                entry.status = .ok
                result.changedPools.append(poolKey)
            } catch QuoteError.missingAccount {
                if entry.status == .ok { entry.status = .pending }
            } catch {
                entry.status = .error("\(error)")
            }
            pools[poolKey] = entry
        }
        return result
    }

    static func isRejected(_ s: PoolStatus) -> Bool {
        switch s {
        case .notFound, .wrongOwner, .unsupported: return true
        default: return false
        }
    }

    static func status(for e: DecodeError) -> PoolStatus {
        switch e {
        case .wrongOwner(_, _, let got), .unknownAccount(let got, _, _): return .wrongOwner(got)
        default: return .unsupported(e.description)
        }
    }

    // MARK: change stream

    /// `observer` sees every account update the store applies from now on, with its write order,
    /// synchronously under the store's lock: it must only queue (never block, never call the store).
    public func observeAccounts(_ observer: @escaping @Sendable (AccountData, UInt64) -> Void) -> UUID {
        let id = UUID()
        lock.withLock { accountObservers[id] = observer }
        return id
    }

    public func stopObservingAccounts(_ id: UUID) { _ = lock.withLock { accountObservers.removeValue(forKey: id) } }

    /// Every held account at once (one lock), with the current write order: what a bus publisher
    /// republishes after a gap.
    public func heldAccounts() -> (accounts: [AccountData], writeOrder: UInt64) {
        lock.withLock { (Array(accounts.values), writeOrder) }
    }

    public func changes() -> (UUID, AsyncStream<PoolChange>) {
        let id = UUID()
        let (stream, c) = AsyncStream<PoolChange>.makeStream(bufferingPolicy: .bufferingNewest(4_096))
        lock.withLock { listeners[id] = c }
        return (id, stream)
    }

    public func stopChanges(_ id: UUID) {
        let c = lock.withLock { listeners.removeValue(forKey: id) }
        c?.finish()
    }
}
