import Foundation
import SolanaCore

/// One PubSub connection's state, for `/v1/health` and `/metrics`.
public struct ConnectionHealth: Sendable, Equatable {
    public enum State: String, Sendable { case connecting, subscribing, live, backingOff = "backing_off", failed }
    public var id: Int
    public var endpoint: String
    public var state: State
    public var subscriptions: Int
    public var reconnects: Int
    public var lastMessageAt: Double?
    public var lastError: String?
    /// Accounts of this connection whose subscription the endpoint refused for another reason
    /// than a per-connection limit it can learn (which re-shards instead): polled over HTTP every
    /// few seconds, their subscription retried every 60 s.
    public var refusedSubscriptions = 0
    /// Of `subscriptions` (which also counts the slot heartbeat): `accountSubscribe`s and `programSubscribe`s.
    public var accountSubscriptions = 0
    public var programSubscriptions = 0
    /// Notifications received on this connection (all its connects), those the store applied
    /// (newer than held), and program notifications of accounts the cache does not follow,
    /// dropped before their data was decoded.
    public var updatesReceived: UInt64 = 0
    public var updatesApplied: UInt64 = 0
    public var updatesDroppedUnfollowed: UInt64 = 0
    /// `pubsub` (accountSubscribe) or `yellowstone` (a Geyser gRPC stream).
    public var source = "pubsub"
    /// A gRPC stream's own counters (nil for PubSub connections).
    public var stream: StreamStats?
    public init(id: Int, endpoint: String, state: State, subscriptions: Int, reconnects: Int, lastMessageAt: Double? = nil, lastError: String? = nil)
    {
        self.id = id; self.endpoint = endpoint; self.state = state; self.subscriptions = subscriptions
        self.reconnects = reconnects; self.lastMessageAt = lastMessageAt; self.lastError = lastError
    }
}

/// One gRPC stream's counters, for `/v1/health` and `/metrics` (monotonic over reconnects).
public struct StreamStats: Sendable, Equatable {
    /// Named account filters in the last Subscribe request sent.
    public var filters = 0
    /// Account updates read from the stream.
    public var received: UInt64 = 0
    /// Updates handed to the store (it may still ignore one older than what it holds).
    public var applied: UInt64 = 0
    /// Updates for accounts no longer followed (sent before a filter change reached the server).
    public var unfollowed: UInt64 = 0
    /// Updates not newer, by (slot, write_version), than one already applied (replay overlap, duplicates).
    public var duplicates: UInt64 = 0
    /// Reconnects resumed by the server's `from_slot` replay.
    public var replays = 0
    /// (Re)connects caught up by a `getMultipleAccounts` re-snapshot instead.
    public var resnapshots = 0
    public init() {}
}

/// What the service asks of the ingestion engine (implemented by `Ingest.IngestEngine`).
public protocol IngestControl: Sendable {
    /// Per-connection detail.
    func connections() -> [ConnectionHealth]
    /// Adds a pool at run time: validates it, subscribes to it and its dependents.
    func addPool(_ config: PoolConfig) async
    /// Removes a pool and unsubscribes accounts no other pool needs.
    func removePool(_ address: Pubkey) async -> Bool
    /// Counters for `/metrics`.
    func counters() -> IngestCounters
    /// What pool discovery found (nil when `[discovery]` is not configured).
    func discovery() -> DiscoveryReport?
}

extension IngestControl {
    public func discovery() -> DiscoveryReport? { nil }
}

/// Ingestion counters (monotonic) for Prometheus.
public struct IngestCounters: Sendable, Equatable {
    public var notifications: UInt64 = 0
    public var appliedUpdates: UInt64 = 0
    public var ignoredOlder: UInt64 = 0
    public var decodeErrors: UInt64 = 0
    public var reconnects: UInt64 = 0
    public var resnapshots: UInt64 = 0
    public var httpRequests: UInt64 = 0
    public var http429: UInt64 = 0
    /// Receive-to-visible latency samples (seconds), recent window.
    public var latencySamples: [Double] = []
    /// Receive-to-visible latency (frame read → store updated), all samples.
    public var latency = LatencyHistogram()
    /// Frames or replies that could not be read (malformed JSON, bad base64…).
    public var malformedFrames: UInt64 = 0
    /// Accounts whose re-snapshot brought bytes that differed from the cache (a gap repaired).
    public var gapsRepaired: UInt64 = 0
    /// Account subscriptions an endpoint refused (limit reached or key refused).
    public var subscriptionsRefused: UInt64 = 0
    public init() {}
}

/// A fixed-bucket latency histogram (seconds), Prometheus-style cumulative on export.
///
/// ```swift
/// var h = LatencyHistogram(); h.record(0.0004)
/// h.quantile(0.99)   // upper bound of the bucket holding the 99th percentile
/// ```
public struct LatencyHistogram: Sendable, Equatable {
    /// Upper bounds of the buckets; one more bucket (+Inf) follows.
    public static let bounds: [Double] = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]
    public private(set) var counts = [UInt64](repeating: 0, count: LatencyHistogram.bounds.count + 1)
    public private(set) var sum: Double = 0
    public private(set) var count: UInt64 = 0
    public init() {}

    public mutating func record(_ seconds: Double) {
        let s = seconds.isFinite ? max(0, seconds) : 0
        let i = Self.bounds.firstIndex { s <= $0 } ?? Self.bounds.count
        counts[i] += 1
        sum += s
        count += 1
    }

    /// The bucket bound at or above the q-quantile (+Inf bucket reports the last bound).
    public func quantile(_ q: Double) -> Double {
        guard count > 0 else { return 0 }
        let target = UInt64((Double(count) * min(1, max(0, q))).rounded(.up))
        var seen: UInt64 = 0
        for (i, c) in counts.enumerated() {
            seen += c
            if seen >= max(1, target) { return i < Self.bounds.count ? Self.bounds[i] : Self.bounds.last! }
        }
        return Self.bounds.last!
    }
}
