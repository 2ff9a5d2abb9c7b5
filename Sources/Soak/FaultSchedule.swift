import Foundation
import SolanaCore

/// The rotation of faults: every kind in turn, the proxy restart only when a proxy is in use, the
/// database restart only when the cache persists to PostgreSQL; over gRPC a stream `cut` takes the
/// place of the PubSub `drop`.
///
/// ```swift
/// let schedule = FaultSchedule(withProxy: true)
/// schedule.fault(number: 0)   // .drop
/// ```
struct FaultSchedule: Sendable {
    let rotation: [SoakFault]
    init(withProxy: Bool, grpc: Bool = false, postgres: Bool = false) {
        rotation = SoakFault.allCases.filter { (withProxy || $0 != .proxyRestart) && (postgres || $0 != .postgresRestart) }.compactMap { f in
            switch f {
            case .cut: return nil
            case .drop: return grpc ? .cut : .drop
            default: return f
            }
        }
    }
    /// The n-th fault injected (0-based), cycling through the rotation.
    func fault(number n: Int) -> SoakFault { rotation[((n % rotation.count) + rotation.count) % rotation.count] }
}
