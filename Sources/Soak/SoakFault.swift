import Foundation
import SolanaCore

// The pure pieces of `solana-pool-cache soak` (fault schedule, summary line, cache-vs-chain
// comparison, resource bounds, generated config) are one type per file here; SoakRun does the I/O.

/// One fault the soak injects: a simulator fault (through `simulatorFault`), a proxy restart or a
/// database crash and restart.
///
/// ```swift
/// let f = SoakFault.stall
/// f.simulatorParams   // ["kind": "stall", "durationMs": 4500]
/// ```
enum SoakFault: String, CaseIterable, Sendable {
    case drop, stall, http429, duplicate, olderSlot = "older_slot", delay, refuse
    case proxyRestart = "proxy_restart"
    /// Ends the gRPC streams (the `drop` of a Yellowstone source).
    case cut
    /// Crashes the cache's PostgreSQL (`kill -9` of server and backends) and starts it again 3 s later.
    case postgresRestart = "postgres_restart"

    /// The `simulatorFault` parameters (nil for the proxy restart, which the soak does itself).
    /// A stall outlasts the silence deadline so it is detected, as a real dead link would be.
    func simulatorParams(silenceDeadlineSeconds: Double) -> [String: Int]? {
        switch self {
        case .drop, .cut: return ["durationMs": 0]
        case .stall: return ["durationMs": Int(silenceDeadlineSeconds * 1_000) + 1_500]
        case .http429: return ["count": 5, "retryAfterSeconds": 1]
        case .duplicate, .olderSlot: return ["durationMs": 2_500]
        case .delay: return ["durationMs": 2_000, "delayMs": 300]
        case .refuse: return ["durationMs": 1_500]
        case .proxyRestart, .postgresRestart: return nil
        }
    }
}
