import Foundation

/// Progress of a long start-up step: N of M, the rate so far and the time left at that rate.
/// Shared by the validation log lines and `/v1/health`, so both say the same thing.
///
/// ```swift
/// ProgressRate(done: 1_200, total: 5_000, elapsedSeconds: 2).text   // "1200 of 5000 (600/s, ETA 7 s)"
/// ```
public struct ProgressRate: Sendable, Equatable {
    public let done: Int
    public let total: Int
    public let elapsedSeconds: Double

    public init(done: Int, total: Int, elapsedSeconds: Double) {
        self.done = max(0, done); self.total = max(0, total); self.elapsedSeconds = elapsedSeconds
    }

    /// Items per second so far; nil before anything is done or any time has passed.
    public var perSecond: Double? {
        guard done > 0, elapsedSeconds.isFinite, elapsedSeconds > 0 else { return nil }
        return Double(done) / elapsedSeconds
    }

    /// Seconds left at the rate so far, rounded up (0 when done); nil while no rate is known.
    public var etaSeconds: Int? {
        if done >= total { return 0 }
        guard let r = perSecond else { return nil }
        return Int((Double(total - done) / r).rounded(.up))
    }

    /// `1200 of 5000 (600/s, ETA 7 s)`; `0 of 5000` while no rate is known.
    public var text: String {
        guard let r = perSecond, let eta = etaSeconds else { return "\(done) of \(total)" }
        let rate = r >= 10 ? String(Int(r.rounded())) : String(format: "%.1f", r)
        return "\(done) of \(total) (\(rate)/s, ETA \(eta) s)"
    }
}
