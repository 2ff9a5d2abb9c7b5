import Foundation

/// Scripted faults, switched on by the `simulatorFault` JSON-RPC method, read by the HTTP and
/// PubSub edges. Each fault lasts until its deadline (or, for counted ones, N uses).
///
/// `{"method":"simulatorFault","params":[{"kind":"http429","count":3,"retryAfterSeconds":1}]}`
// @unchecked Sendable: `lock` guards until, counts, dropGeneration, _cutGeneration, _delayMs, _retryAfterSeconds and _injected.
public final class FaultState: @unchecked Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        /// Close every PubSub connection now.
        case drop
        /// PubSub connections go silent (no notifications, no replies, no pongs) for `durationMs`.
        case stall
        /// Notifications are delivered `delayMs` late for `durationMs`.
        case delay
        /// Every notification is sent twice for `durationMs`.
        case duplicate
        /// After each notification, the account's previous (older-slot) version is sent too, for `durationMs`.
        case olderSlot = "older_slot"
        /// New PubSub connections are refused (upgrade answered HTTP 400, connection closed) for `durationMs`.
        case refuse
        /// The next `count` HTTP requests get 429 with Retry-After.
        case http429
        /// The next `count` HTTP requests get 500.
        case http500
        /// End every gRPC Subscribe stream now (status UNAVAILABLE); the PubSub side is untouched.
        case cut
    }

    private let lock = NSLock()
    private var until: [Kind: Date] = [:]
    private var counts: [Kind: Int] = [:]
    private var dropGeneration = 0
    private var _cutGeneration = 0
    private var _delayMs = 0
    private var _retryAfterSeconds = 1
    private var _injected = 0
    public var delayMs: Int { lock.withLock { _delayMs } }
    public var retryAfterSeconds: Int { lock.withLock { _retryAfterSeconds } }
    public var injected: Int { lock.withLock { _injected } }

    public init() {}

    public func inject(_ kind: Kind, durationMs: Int = 2_000, count: Int = 1, delayMs: Int = 500, retryAfterSeconds: Int = 1) {
        lock.withLock {
            _injected += 1
            switch kind {
            case .drop: dropGeneration += 1
            case .cut: _cutGeneration += 1
            case .http429, .http500: counts[kind] = max(1, count); _retryAfterSeconds = retryAfterSeconds
            default:
                until[kind] = Date().addingTimeInterval(Double(durationMs) / 1000)
                if kind == .delay { _delayMs = delayMs }
            }
        }
    }

    public func active(_ kind: Kind) -> Bool {
        lock.withLock { (until[kind].map { $0 > Date() }) ?? false }
    }

    /// Consumes one use of a counted fault.
    public func take(_ kind: Kind) -> Bool {
        lock.withLock {
            guard let n = counts[kind], n > 0 else { return false }
            counts[kind] = n - 1
            return true
        }
    }

    public var generation: Int { lock.withLock { dropGeneration } }
    /// Bumped by each `cut`: a gRPC stream that sees it change ends.
    public var cutGeneration: Int { lock.withLock { _cutGeneration } }
    public func clear() {
        lock.withLock {
            until = [:]; counts = [:]
        }
    }
}

/// Optional token-bucket limit on HTTP requests (answers 429 + Retry-After when empty).
// @unchecked Sendable: `lock` guards tokens and last; rate is a let.
public final class RequestRateLimiter: @unchecked Sendable {
    private let lock = NSLock()
    private let rate: Double
    private var tokens: Double
    private var last = Date()
    public init(requestsPerSecond: Double) { rate = requestsPerSecond; tokens = requestsPerSecond }
    public func allow() -> Bool {
        lock.withLock {
            let now = Date()
            tokens = min(rate, tokens + now.timeIntervalSince(last) * rate)
            last = now
            guard tokens >= 1 else { return false }
            tokens -= 1
            return true
        }
    }
}
