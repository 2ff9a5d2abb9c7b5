import Server
import ServiceLifecycle

/// The HTTP API as a service. Its graceful shutdown cancels `APIServer.run`, which stops the
/// listener through `GracefulStop` (the one place that works around apple/swift-nio#3481).
/// A bind failure (port taken) is thrown at once and ends the group with that error.
public struct APIService: Service {
    public let server: APIServer
    let onReady: @Sendable (Int) async -> Void
    public init(server: APIServer, onReady: @escaping @Sendable (Int) async -> Void = { _ in }) {
        self.server = server; self.onReady = onReady
    }
    public func run() async throws {
        try await GracefulExit.service("api") { try await server.run(onReady: onReady) }
    }
}
