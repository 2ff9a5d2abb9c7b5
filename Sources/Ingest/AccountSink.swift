import SolanaCore

/// What a source feeds: the engine's store-facing side.
public protocol AccountSink: AnyObject, Sendable {
    /// One live update (the hot path); `receivedAt` is the monotonic time its frame was read.
    func update(_ account: AccountData, receivedAt: Double)
    /// Accounts re-read after a gap; returns how many differed from the cache (gaps repaired).
    @discardableResult func resync(_ accounts: [AccountData]) -> Int
    /// A live update that follows the held state within the same slot (a Geyser stream's higher
    /// `write_version`): an equal slot replaces the held bytes instead of being ignored.
    func update(_ account: AccountData, receivedAt: Double, sameSlotNewer: Bool)
    /// Something the source saw that the engine counts and logs.
    func record(_ event: SourceEvent)
}

extension AccountSink {
    /// Sinks without write versions treat a same-slot successor like any update.
    public func update(_ account: AccountData, receivedAt: Double, sameSlotNewer: Bool) { update(account, receivedAt: receivedAt) }
}

/// Source events the engine keeps counters for.
public enum SourceEvent: Sendable, Equatable {
    case reconnect
    case malformed(String)
    case subscriptionsRefused(Int)
}
