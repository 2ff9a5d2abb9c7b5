import Server
import ServiceLifecycle

/// Writes new opportunities to the database until graceful shutdown (the write in progress completes).
public struct RecorderService: Service {
    public let recorder: OpportunityRecorder
    public init(recorder: OpportunityRecorder) { self.recorder = recorder }
    public func run() async throws {
        try await GracefulExit.service("opportunity recorder") { await recorder.run() }
    }
}
