import SolanaCore

/// What a source feeds: the engine's store-facing side.
public protocol AccountSink: AnyObject, Sendable {
    /// One live update (the hot path); `receivedAt` is the monotonic time its frame was read.
    func update(_ account: AccountData, receivedAt: Double)
    /// `update`, answering whether the store took it (a followed account, newer than held): the
    /// per-connection "applied" count. Default: `update`, true.
    func apply(_ account: AccountData, receivedAt: Double) -> Bool
    /// Accounts re-read after a gap; returns how many differed from the cache (gaps repaired).
    @discardableResult func resync(_ accounts: [AccountData]) -> Int
    /// A live update that follows the held state within the same slot (a Geyser stream's higher
    /// `write_version`): an equal slot replaces the held bytes instead of being ignored.
    func update(_ account: AccountData, receivedAt: Double, sameSlotNewer: Bool)
    /// Something the source saw that the engine counts and logs.
    func record(_ event: SourceEvent)
}

extension AccountSink {
    public func apply(_ account: AccountData, receivedAt: Double) -> Bool {
        update(account, receivedAt: receivedAt)
        return true
    }
    /// Sinks without write versions treat a same-slot successor like any update.
    public func update(_ account: AccountData, receivedAt: Double, sameSlotNewer: Bool) { update(account, receivedAt: receivedAt) }
}

/// Source events the engine keeps counters for.
public enum SourceEvent: Sendable, Equatable {
    case reconnect
    case malformed(String)
    case subscriptionsRefused(Int)
    /// The source knows these accounts are no longer kept current (a bus shard went silent):
    /// the pools they are the pool account of become `stale`.
    case accountsStale([Pubkey])
    /// Those accounts are current again (the shard is back): their pools are confirmed.
    case accountsLive([Pubkey])
}
