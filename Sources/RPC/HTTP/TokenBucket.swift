import Foundation

/// A token bucket: `rate` requests per second with bursts up to `capacity`. Pure (time is
/// passed in); `reserve` hands out a slot and says how long to wait for it, so concurrent
/// callers queue fairly instead of spinning.
///
/// ```swift
/// var bucket = TokenBucket(rate: 10, capacity: 10, now: 0)
/// let wait = bucket.reserve(now: 0.05)   // 0 while tokens last, then 0.1 s steps
/// ```
public struct TokenBucket: Sendable, Equatable {
    public let rate: Double
    public let capacity: Double
    public private(set) var tokens: Double
    public private(set) var last: Double
    /// Nothing is handed out before this time (set from a 429's Retry-After).
    public private(set) var blockedUntil: Double = 0

    public init(rate: Double, capacity: Double? = nil, now: Double) {
        self.rate = max(0.001, rate)
        self.capacity = max(1, capacity ?? rate)
        tokens = self.capacity
        last = now
    }

    /// Takes one token; returns the seconds to wait before using it (0 = now).
    public mutating func reserve(now: Double) -> Double {
        let start = max(now, blockedUntil)
        if start > last {
            tokens = min(capacity, tokens + (start - last) * rate)
            last = start
        }
        tokens -= 1
        let due = tokens >= 0 ? start : last + (-tokens) / rate
        return max(0, due - now)
    }

    /// Holds every request until `until` (the server said Retry-After) and drains the burst,
    /// so the backlog resumes at the steady rate instead of all at once.
    public mutating func block(until: Double) {
        guard until > blockedUntil else { return }
        blockedUntil = until
        tokens = min(tokens, 0)
        last = max(last, until)
    }
}

/// The shared, thread-safe face of a `TokenBucket` for one endpoint.
///
/// ```swift
/// let limiter = RateLimiter(requestsPerSecond: 10)
/// try await limiter.acquire()
/// ```
// @unchecked Sendable: `lock` guards bucket.
public final class RateLimiter: @unchecked Sendable {
    private let lock = NSLock()
    private var bucket: TokenBucket

    public init(requestsPerSecond: Double, burst: Double? = nil) {
        bucket = TokenBucket(rate: requestsPerSecond, capacity: burst, now: Self.now())
    }

    static func now() -> Double { ProcessInfo.processInfo.systemUptime }

    public func acquire() async throws {
        let wait = lock.withLock { bucket.reserve(now: Self.now()) }
        if wait > 0 { try await Task.sleep(nanoseconds: UInt64(wait * 1e9)) }
    }

    public func block(forSeconds seconds: Double) {
        lock.withLock { bucket.block(until: Self.now() + seconds) }
    }
}
