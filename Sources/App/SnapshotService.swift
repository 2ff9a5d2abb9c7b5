import Logging
import Persistence
import ServiceLifecycle

/// Periodic account snapshots, and the final flush on shutdown. Listed before ingest in the
/// group, so its shutdown comes after ingest has stopped: no update lands after the final flush.
public struct SnapshotService: Service {
    public let snapshotter: AccountSnapshotter
    let interval: Double
    let logger: Logger
    let output: @Sendable (String) -> Void

    public init(snapshotter: AccountSnapshotter, every interval: Double, logger: Logger, output: @escaping @Sendable (String) -> Void) {
        self.snapshotter = snapshotter; self.interval = interval; self.logger = logger; self.output = output
    }

    public func run() async throws {
        try await GracefulExit.service("account snapshots") { [snapshotter, interval] in await snapshotter.run(every: interval) }
        // A failed final flush is logged, not thrown: what was committed before stays valid.
        do {
            let committed = try await snapshotter.finalFlush()
            output("shutdown: snapshot committed, \(committed.accounts) accounts up to slot \(committed.highestSlot)")
        } catch {
            logger.error("shutdown: final account snapshot failed: \(error)")
        }
    }
}
