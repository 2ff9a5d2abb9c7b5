import Dex
import Foundation
import SolanaCore

/// What changed in one slot: every account written in it (one entry per account).
public struct SlotEvent: Sendable {
    public let slot: UInt64
    public let changed: [AccountData]
}

/// One simulated swap, as applied to the cluster (for tests and logs).
public struct SimulatedSwap: Sendable {
    public let pool: Pubkey
    public let slot: UInt64
    public let quote: Quote
    /// What the swap wrote back, as the model stated it (nil for DEXes written from the quote alone).
    public let after: PoolStateAfter?
}

/// The state of the local cluster: accounts, slot clock, and simulated swaps applied with the
/// exact quoters (each swap rewrites the pool and vault bytes as the program would).
/// Thread-safe; every mutation happens under one lock and is published as a `SlotEvent`.
///
/// ```swift
/// let cluster = try Cluster.bundled(seed: 7)
/// let event = cluster.advance()        // next slot: a few swaps, changed accounts
/// ```
// @unchecked Sendable: `lock` guards accounts, previous, models, watchers, subscribers, rng, _slot, _paused and _swapLog.
public final class Cluster: @unchecked Sendable {
    private let lock = NSLock()
    private var accounts: [Pubkey: AccountData]
    /// Previous versions of recently changed accounts (for the "older slot after newer" fault).
    private var previous: [Pubkey: AccountData] = [:]
    private var models: [Pubkey: any PoolModel] = [:]
    /// Which pools read an account (shared Meteora vaults, configs): a write reaches all of them.
    private var watchers: [Pubkey: [Pubkey]] = [:]
    private var subscribers: [UUID: AsyncStream<SlotEvent>.Continuation] = [:]
    private var rng: SplitMix64
    private var _slot: UInt64
    private var _paused = false
    private var _swapLog: [SimulatedSwap] = []
    /// The most recent simulated swaps (up to 10,000).
    public var swapLog: [SimulatedSwap] { lock.withLock { _swapLog } }
    /// Swaps per slot (0 disables random trading).
    public let swapsPerSlot: Int
    /// Unix time of the first slot; advances 400 ms per slot, like mainnet.
    public let genesisTime: Int64

    /// Unix time of the bundled snapshots' era, used as the clock of slot `startSlot`.
    public static let defaultGenesisTime: Int64 = 1_783_355_400

    public init(
        accounts: [AccountData], seed: UInt64 = 1, startSlot: UInt64 = 431_198_953, swapsPerSlot: Int = 2,
        genesisTime: Int64 = Cluster.defaultGenesisTime
    ) {
        self.accounts = Dictionary(accounts.map { ($0.address, $0) }, uniquingKeysWith: { a, b in a.slot >= b.slot ? a : b })
        for k in self.accounts.keys { self.accounts[k]!.slot = startSlot }
        rng = SplitMix64(seed: seed)
        _slot = startSlot
        self.swapsPerSlot = swapsPerSlot
        self.genesisTime = genesisTime
        adoptPoolsLocked(Array(self.accounts.keys))
    }

    /// Builds the trading model of every quotable pool among `keys`.
    private func adoptPoolsLocked(_ keys: [Pubkey]) {
        for key in keys {
            guard let account = accounts[key], AccountRegistry.poolModels.contains(where: { $0.isPool(account) }),
                let model = try? SnapshotQuoter.pool(address: key, accounts: accounts),
                (try? model.price(context: QuoteContext(now: genesisTime))) != nil
            else { continue }
            models[key] = model
            for k in model.accountsToWatch() { watchers[k, default: []].append(key) }
        }
    }

    /// Test control: creates `new` accounts in the next slot (a pool and its vaults being
    /// initialised); new quotable pools start trading. Published as one slot event.
    public func create(_ new: [AccountData]) {
        let (event, subs): (SlotEvent, [AsyncStream<SlotEvent>.Continuation]) = lock.withLock {
            _slot += 1
            var written = new
            for i in written.indices { written[i].slot = _slot; accounts[written[i].address] = written[i] }
            adoptPoolsLocked(written.map(\.address))
            return (SlotEvent(slot: _slot, changed: written.sorted { $0.address < $1.address }), Array(subscribers.values))
        }
        for s in subs { s.yield(event) }
    }

    /// Test control: closes `keys` in the next slot, as a program closing accounts does: they
    /// vanish from reads and scans and stop trading. Subscribers see each closed account once
    /// with no lamports, no data and the system program as owner (what mainnet notifies).
    public func close(_ keys: [Pubkey]) {
        let (event, subs): (SlotEvent, [AsyncStream<SlotEvent>.Continuation]) = lock.withLock {
            _slot += 1
            var closed: [AccountData] = []
            for key in keys {
                guard accounts.removeValue(forKey: key) != nil else { continue }
                models.removeValue(forKey: key)
                previous.removeValue(forKey: key)
                closed.append(AccountData(address: key, owner: Pubkey(bytes: [UInt8](repeating: 0, count: 32))!, data: [], lamports: 0, slot: _slot))
            }
            return (SlotEvent(slot: _slot, changed: closed.sorted { $0.address < $1.address }), Array(subscribers.values))
        }
        for s in subs { s.yield(event) }
    }

    public var slot: UInt64 { lock.withLock { _slot } }
    public var isPaused: Bool { lock.withLock { _paused } }
    public var now: Int64 { lock.withLock { genesisTime + Int64((_slot - 431_198_953) * 400 / 1000) } }
    public var poolAddresses: [Pubkey] { lock.withLock { models.keys.sorted() } }
    public var accountCount: Int { lock.withLock { accounts.count } }

    public func account(_ key: Pubkey) -> AccountData? { lock.withLock { accounts[key] } }
    public func accounts(_ keys: [Pubkey]) -> [AccountData?] { lock.withLock { keys.map { accounts[$0] } } }
    public func previousVersion(_ key: Pubkey) -> AccountData? { lock.withLock { previous[key] } }
    public func allAccounts() -> [AccountData] { lock.withLock { Array(accounts.values) } }
    public func model(_ pool: Pubkey) -> (any PoolModel)? { lock.withLock { models[pool] } }

    /// getProgramAccounts: owner match plus `dataSize` / `memcmp` filters.
    public func programAccounts(owner: Pubkey, dataSize: Int?, memcmp: [(offset: Int, bytes: [UInt8])]) -> [AccountData] {
        programAccounts(owner: owner, filter: AccountFilter(dataSize: dataSize, memcmp: memcmp))
    }

    /// getProgramAccounts with a parsed filter (the one `programSubscribe` matches notifications with).
    public func programAccounts(owner: Pubkey, filter: AccountFilter) -> [AccountData] {
        lock.withLock {
            accounts.values.filter { $0.owner == owner && filter.matches($0.data) }.sorted { $0.address < $1.address }
        }
    }

    public func pause() { lock.withLock { _paused = true } }
    public func resume() { lock.withLock { _paused = false } }

    public func subscribe() -> (UUID, AsyncStream<SlotEvent>) {
        let id = UUID()
        let (stream, continuation) = AsyncStream<SlotEvent>.makeStream(bufferingPolicy: .bufferingNewest(256))
        lock.withLock { subscribers[id] = continuation }
        return (id, stream)
    }

    public func unsubscribe(_ id: UUID) {
        let c = lock.withLock { subscribers.removeValue(forKey: id) }
        c?.finish()
    }

    /// Moves to the next slot and applies `swapsPerSlot` random swaps (nothing when paused unless `force`).
    @discardableResult
    public func advance(force: Bool = false) -> SlotEvent? {
        let (event, subs): (SlotEvent?, [AsyncStream<SlotEvent>.Continuation]) = lock.withLock {
            if _paused && !force { return (nil, []) }
            _slot += 1
            var changed: [Pubkey: AccountData] = [:]
            let pools = models.keys.sorted()
            if !pools.isEmpty {
                for _ in 0..<swapsPerSlot {
                    let pool = pools[Int(rng.next() % UInt64(pools.count))]
                    if let written = randomSwapLocked(pool: pool) { for a in written { changed[a.address] = a } }
                }
            }
            return (SlotEvent(slot: _slot, changed: changed.values.sorted { $0.address < $1.address }), Array(subscribers.values))
        }
        if let event { for s in subs { s.yield(event) } }
        return event
    }

    /// Applies one swap of `amountIn` on `pool` now (tests and arbitrage scenarios), publishing the slot.
    public func swap(pool: Pubkey, inputMint: Pubkey, amountIn: UInt64) throws -> SimulatedSwap {
        let (result, event, subs): (SimulatedSwap, SlotEvent, [AsyncStream<SlotEvent>.Continuation]) = try lock.withLock {
            _slot += 1
            let swap: SimulatedSwap, written: [AccountData]
            do { (swap, written) = try applySwapLocked(pool: pool, inputMint: inputMint, amountIn: amountIn) } catch {
                _slot -= 1  // a refused swap does not make a slot
                throw error
            }
            return (swap, SlotEvent(slot: _slot, changed: written), Array(subscribers.values))
        }
        for s in subs { s.yield(event) }
        return result
    }

    private func randomSwapLocked(pool: Pubkey) -> [AccountData]? {
        guard let model = models[pool], let price = try? model.price(context: QuoteContext(now: nowLocked)) else { return nil }
        let aToB = rng.next() & 1 == 0
        let reserve = (aToB ? price.reserveA : price.reserveB) ?? 0
        guard reserve > 1_000 else { return nil }
        // 0.001 % … 0.2 % of the input-side reserve: prices drift the way flow moves them.
        let bps = 1 + rng.next() % 200
        let amount = max(1, reserve / 100_000 * bps)
        return try? applySwapLocked(pool: pool, inputMint: aToB ? model.mintA : model.mintB, amountIn: amount).1
    }

    var nowLocked: Int64 { genesisTime + Int64((_slot - min(_slot, 431_198_953)) * 400 / 1000) }

    private func applySwapLocked(pool: Pubkey, inputMint: Pubkey, amountIn: UInt64) throws -> (SimulatedSwap, [AccountData]) {
        guard let model = models[pool] else { throw QuoteError.missingAccount(role: "pool", address: pool) }
        let ctx = QuoteContext(now: nowLocked, epoch: 0, slot: _slot)
        guard let simulation = model as? any SwapSimulation else {
            throw SwapWriteError.unsupported(model.dex, "no write-back for this DEX")
        }
        let effect = try simulation.simulate(amountIn: amountIn, inputMint: inputMint, context: ctx)
        var written = try simulation.writeBack(effect, accounts: accounts)
        for i in written.indices { written[i].slot = _slot }
        // The model takes the new bytes first: if it rejects them, nothing is committed.
        var updated = model
        for a in written { _ = try updated.apply(a) }
        for a in written {
            if let old = accounts[a.address] { previous[a.address] = old }
            accounts[a.address] = a
        }
        // A moved price can bring new tick/bin arrays into the model's window: feed them too.
        let writtenKeys = Set(written.map(\.address))
        for key in updated.accountsToWatch() where !writtenKeys.contains(key) {
            if let a = accounts[key] { _ = try? updated.apply(a) }
        }
        models[pool] = updated
        // Other pools reading a written account (a DAMM v1 vault shared by many pools) see it too.
        for a in written {
            for other in watchers[a.address] ?? [] where other != pool {
                if var m = models[other], (try? m.apply(a)) == true { models[other] = m }
            }
        }
        let swap = SimulatedSwap(pool: pool, slot: _slot, quote: effect.quote, after: effect.after)
        _swapLog.append(swap)
        if _swapLog.count > 10_000 { _swapLog.removeFirst(5_000) }
        return (swap, written)
    }
}
