import Cache
import Foundation

/// `/v1/health`'s `phase`, for someone watching a first run: `starting` (no pools yet, or validated
/// but no stream live yet), `validating n/m` (pools waiting for validation) or `live`. The rate and
/// ETA count from when the waiting batch was first seen (pools added at run time start a new batch).
/// Once live it stays live (a reconnect shows in `status` and `connections`) until new pools wait.
// @unchecked Sendable: `lock` guards since and wasLive.
final class StartupPhase: @unchecked Sendable {
    struct Reading {
        let phase: String
        /// Settled and total pools while validating; nil otherwise.
        let settled: Int, total: Int
        /// The batch's progress (its rate and ETA) while validating; nil otherwise.
        let batch: ProgressRate?
    }

    private let lock = NSLock()
    /// When the current validating batch was first seen, and how many pools were settled then.
    private var since: (at: Double, settled: Int)?
    private var wasLive = false

    /// `connections`: nil without ingestion; otherwise how many are live of how many.
    func read(settled: Int, total: Int, connections: (live: Int, total: Int)?, now: Double) -> Reading {
        lock.withLock {
            guard total > 0 else { return Reading(phase: "starting", settled: 0, total: 0, batch: nil) }
            if settled < total {
                let base = since ?? (now, settled)
                since = base
                let batch = ProgressRate(done: settled - base.settled, total: total - base.settled, elapsedSeconds: now - base.at)
                return Reading(phase: "validating \(settled)/\(total)", settled: settled, total: total, batch: batch)
            }
            since = nil
            if let c = connections, c.total > 0, c.live == 0, !wasLive {
                return Reading(phase: "starting", settled: settled, total: total, batch: nil)
            }
            wasLive = true
            return Reading(phase: "live", settled: settled, total: total, batch: nil)
        }
    }
}
