import Ingest
import ServiceLifecycle

/// Live ingestion as a service: `IngestEngine.run` until graceful shutdown. First to stop, so
/// nothing lands in the store after the final snapshot.
public struct IngestService: Service {
    public let engine: IngestEngine
    public init(engine: IngestEngine) { self.engine = engine }
    public func run() async throws {
        try await GracefulExit.service("ingest") { try await engine.run() }
    }
}
