import NATSSync
import ServiceLifecycle

/// The NATS publisher as a service: stopped after ingest, so the last updates still go out.
public struct NATSService: Service {
    public let publisher: NATSPublisher
    public init(publisher: NATSPublisher) { self.publisher = publisher }
    public func run() async throws {
        try await GracefulExit.service("nats publisher") { try await publisher.run() }
    }
}
