import Cache
import Foundation
import Logging
import SolanaCore

/// Saves the last snapshot of every watched account and loads them back at boot (warm start):
/// the API serves prices at once after a restart, with the pools marked `stale` until the
/// live resync applies newer slots.
///
/// ```swift
/// let snapshots = AccountSnapshotter(store: store, database: db)
/// let warm = try await snapshots.warmStart()          // before ingestion starts
/// Task { await snapshots.run(every: 5) }               // flushes changed accounts
/// ```
// @unchecked Sendable: `lock` guards savedSlots and health; store, database and logger are immutable lets.
public final class AccountSnapshotter: @unchecked Sendable {
    let store: PoolStore
    let database: any PersistenceStore
    let logger: Logger
    private let lock = NSLock()
    /// Slot of each account as last saved, so a flush writes only what moved.
    private var savedSlots: [Pubkey: UInt64] = [:]
    private var health = SnapshotHealth()

    public init(store: PoolStore, database: any PersistenceStore, logger: Logger = Logger(label: "persistence")) {
        self.store = store; self.database = database; self.logger = logger
    }

    public struct WarmStart: Sendable, Equatable {
        public var accountsLoaded: Int
        public var poolsPriced: Int
    }

    /// Applies saved accounts to the store (pools first, then their dependents, which are only
    /// known once the pool decoded) and marks every priced pool `stale`.
    @discardableResult
    public func warmStart() async throws -> WarmStart {
        let saved = try await database.loadAccounts()
        var pending = saved
        var applied = 0
        for _ in 0..<6 where !pending.isEmpty {
            var next: [AccountSnapshot] = []
            for s in pending {
                let r = store.apply(s.account, receivedAt: s.savedAt)
                if r.unknownAccount { next.append(s) } else { applied += 1 }
            }
            if next.count == pending.count { break }
            pending = next
        }
        var priced = 0
        for e in store.entries() where e.price != nil {
            store.setStatus(e.address, .stale)
            priced += 1
        }
        lock.withLock { for s in saved { savedSlots[s.account.address] = s.account.slot } }
        logger.info("warm start: \(applied) of \(saved.count) saved accounts applied, \(priced) pools priced (stale until live resync)")
        return WarmStart(accountsLoaded: applied, poolsPriced: priced)
    }

    /// Saves accounts whose slot moved since the last flush. Returns how many were written.
    @discardableResult
    public func flush(now: Double = Date().timeIntervalSince1970) async throws -> Int {
        let changed: [AccountSnapshot] = lock.withLock {
            store.watchedAccounts().compactMap { key in
                guard let a = store.account(key), savedSlots[key] != a.slot || a.slot == 0 && savedSlots[key] == nil else { return nil }
                return AccountSnapshot(account: a, savedAt: now)
            }
        }
        guard !changed.isEmpty else {
            lock.withLock { health.succeeded(at: now) }
            return 0
        }
        do {
            try await database.saveAccounts(changed)
        } catch {
            // Nothing is marked saved: the same accounts (or newer) go in the next flush.
            lock.withLock { health.failed("\(error)") }
            throw error
        }
        lock.withLock {
            for s in changed { savedSlots[s.account.address] = s.account.slot }
            health.succeeded(at: now)
        }
        return changed.count
    }

    /// The database as the snapshots see it: last success, failures in a row, the last error.
    public func status() -> SnapshotHealth { lock.withLock { health } }

    /// Flushes every `seconds` until cancelled; while the database refuses writes (down, disk
    /// full) the wait doubles per failure up to 8 periods (at most 60 s), and the first success after
    /// an outage is logged. The last flush belongs to the owner, after it has stopped ingestion
    /// (`finalFlush()`): a write from this cancelled task would be refused, and an update landing
    /// after it would be lost.
    public func run(every seconds: Double) async {
        // At most 8 periods (and at most a minute, at least one period) between tries while failing.
        let cap = max(seconds, min(60, seconds * 8))
        while !Task.isCancelled {
            let failures = status().consecutiveFailures
            let wait = failures == 0 ? seconds : min(cap, seconds * Double(1 << min(failures, 10)))
            try? await Task.sleep(for: .milliseconds(Int(wait * 1000)))
            if Task.isCancelled { break }
            do {
                let n = try await flush()
                if failures > 0 {
                    logger.warning("account snapshots: database writable again after \(failures) failed flush(es); \(n) accounts saved")
                }
            } catch {
                let next = min(cap, seconds * Double(1 << min(failures + 1, 10)))
                logger.error("account snapshot flush failed (\(failures + 1) in a row, next try in \(String(format: "%.1f", next)) s): \(error)")
            }
        }
    }

    /// What is durably saved: how many accounts and the highest slot among them.
    public struct Committed: Sendable, Equatable {
        public var accounts: Int
        public var highestSlot: UInt64
    }

    public var committed: Committed {
        lock.withLock { Committed(accounts: savedSlots.count, highestSlot: savedSlots.values.max() ?? 0) }
    }

    /// The shutdown flush: runs in a fresh task so it completes even when the caller is being
    /// cancelled (SIGTERM), and returns what is committed afterwards.
    public func finalFlush() async throws -> Committed {
        _ = try await Task { try await self.flush() }.value
        return committed
    }
}
