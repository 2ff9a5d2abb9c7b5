import Foundation
import SolanaCore

/// One account write as the Geyser stream carries it: the bytes and the cluster-wide write
/// counter (`write_version`, as a validator's Geyser plugin numbers account writes).
public struct GeyserWrite: Sendable, Equatable {
    public let account: AccountData
    public let writeVersion: UInt64
}

/// Every account write of one slot, in write order.
public struct GeyserSlot: Sendable {
    public let slot: UInt64
    public let writes: [GeyserWrite]
}

/// What one Subscribe stream's writer receives: slots from the feed, and the stream's own
/// control messages (pongs, pings, filter changes).
enum GeyserItem: Sendable {
    case slot(GeyserSlot)
    case pong(Int32)
    case filters(GeyserFilter)
    case ping
}

/// The simulator's Geyser feed: numbers every account write the cluster makes (`write_version`,
/// strictly increasing), keeps the last `retainedSlots` slots for `from_slot` replay (Yellowstone
/// keeps a similar window of recent slots in memory), and hands each slot to the live Subscribe
/// streams. A stream that falls `bufferLimit` items behind is ended, so its client reconnects
/// and replays instead of the server's memory growing.
///
/// ```swift
/// let feed = GeyserFeed()
/// Task { await feed.run(cluster) }           // numbers and retains what the cluster writes
/// let sub = try feed.subscribe(fromSlot: 100) // replay of 100… plus the live stream
/// ```
// @unchecked Sendable: `lock` guards history, nextWriteVersion, latest, previous and streams.
public final class GeyserFeed: @unchecked Sendable {
    public static let defaultRetainedSlots = 500
    public let retainedSlots: Int
    let bufferLimit: Int

    /// A `from_slot` older than the retained window.
    public struct ReplayUnavailable: Error, CustomStringConvertible {
        public let fromSlot: UInt64
        public let firstAvailable: UInt64?
        public var description: String {
            "from_slot \(fromSlot) is not available (first available: \(firstAvailable.map(String.init) ?? "none"))"
        }
    }

    struct Subscription: Sendable {
        let id: UUID
        let replay: [GeyserSlot]
        let items: AsyncStream<GeyserItem>
        let continuation: AsyncStream<GeyserItem>.Continuation
    }

    private let lock = NSLock()
    private var history: [GeyserSlot] = []
    private var nextWriteVersion: UInt64 = 1
    /// The latest and the one before of every written account (the `older_slot` fault re-sends the latter).
    private var latest: [Pubkey: GeyserWrite] = [:]
    private var previous: [Pubkey: GeyserWrite] = [:]
    private var streams: [UUID: AsyncStream<GeyserItem>.Continuation] = [:]

    public init(retainedSlots: Int = GeyserFeed.defaultRetainedSlots, bufferLimit: Int = 4_096) {
        self.retainedSlots = max(1, retainedSlots)
        self.bufferLimit = max(16, bufferLimit)
    }

    /// The oldest slot a `from_slot` can start at (nil before the first slot).
    public var firstAvailable: UInt64? { lock.withLock { history.first?.slot } }
    public var streamCount: Int { lock.withLock { streams.count } }

    /// Records the cluster's slots until cancelled.
    public func run(_ cluster: Cluster) async {
        let (id, events) = cluster.subscribe()
        defer { cluster.unsubscribe(id) }
        for await event in events { record(event) }
    }

    /// Numbers `event`'s writes, retains the slot and hands it to every live stream.
    @discardableResult
    public func record(_ event: SlotEvent) -> GeyserSlot {
        let (slot, targets): (GeyserSlot, [(UUID, AsyncStream<GeyserItem>.Continuation)]) = lock.withLock {
            var writes: [GeyserWrite] = []
            writes.reserveCapacity(event.changed.count)
            for account in event.changed {
                let w = GeyserWrite(account: account, writeVersion: nextWriteVersion)
                nextWriteVersion += 1
                if let old = latest[account.address] { previous[account.address] = old }
                latest[account.address] = w
                writes.append(w)
            }
            let slot = GeyserSlot(slot: event.slot, writes: writes)
            history.append(slot)
            if history.count > retainedSlots + retainedSlots / 4 { history.removeFirst(history.count - retainedSlots) }
            return (slot, Array(streams))
        }
        for (id, c) in targets {
            if case .dropped = c.yield(.slot(slot)) { end(id) }
        }
        return slot
    }

    /// The retained slots, oldest first (tests compare what a client received with them).
    public func retained() -> [GeyserSlot] { lock.withLock { history } }

    /// The write before the latest of `key` (for the `older_slot` fault).
    func previousWrite(_ key: Pubkey) -> GeyserWrite? { lock.withLock { previous[key] } }

    /// A new stream: the retained slots from `fromSlot` on (none when nil) and everything after,
    /// taken under one lock so nothing falls between replay and live.
    func subscribe(fromSlot: UInt64?) throws -> Subscription {
        let (items, continuation) = AsyncStream<GeyserItem>.makeStream(bufferingPolicy: .bufferingOldest(bufferLimit))
        let id = UUID()
        let replay: [GeyserSlot] = try lock.withLock {
            var replay: [GeyserSlot] = []
            if let fromSlot {
                // Slots at or after the window's start replay; an older start cannot be served whole.
                guard let first = history.first?.slot, fromSlot >= first else {
                    throw ReplayUnavailable(fromSlot: fromSlot, firstAvailable: history.first?.slot)
                }
                replay = history.filter { $0.slot >= fromSlot }
            }
            streams[id] = continuation
            return replay
        }
        return Subscription(id: id, replay: replay, items: items, continuation: continuation)
    }

    /// Ends stream `id` (its consumer was too slow, or it finished).
    func end(_ id: UUID) {
        let c = lock.withLock { streams.removeValue(forKey: id) }
        c?.finish()
    }
}
