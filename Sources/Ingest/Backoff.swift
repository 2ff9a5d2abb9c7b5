/// Exponential backoff with full-range jitter and a cap, per endpoint: the delay before the
/// n-th consecutive reconnect attempt. Pure (the random source is passed in).
///
/// ```swift
/// let b = Backoff(initial: 0.25, max: 30)
/// var rng = SystemRandomNumberGenerator()
/// let wait = b.delay(attempt: 3, using: &rng)   // within [0.5, 1.0] s (half to full of 0.25·2²)
/// ```
public struct Backoff: Sendable, Equatable {
    public var initial: Double
    public var max: Double
    /// The delay is drawn from [ (1 - jitter)·d, d ] where d = min(max, initial·2^(attempt-1)).
    public var jitter: Double = 0.5

    public init(initial: Double, max: Double, jitter: Double = 0.5) {
        self.initial = Swift.max(0.001, initial); self.max = Swift.max(self.initial, max); self.jitter = Swift.min(1, Swift.max(0, jitter))
    }

    /// The ceiling for `attempt` (1-based); never above `max`, never overflowing.
    public func ceiling(attempt: Int) -> Double {
        let exponent = Double(Swift.min(Swift.max(attempt, 1) - 1, 60))
        return Swift.min(max, initial * pow2(exponent))
    }

    public func delay<R: RandomNumberGenerator>(attempt: Int, using rng: inout R) -> Double {
        let d = ceiling(attempt: attempt)
        return d * (1 - jitter * Double.random(in: 0...1, using: &rng))
    }

    private func pow2(_ e: Double) -> Double {
        var v = 1.0
        for _ in 0..<Int(e) { v *= 2 }
        return v
    }
}
