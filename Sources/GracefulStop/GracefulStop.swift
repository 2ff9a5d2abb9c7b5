import Logging
import ServiceLifecycle

/// Runs HTTP servers (Hummingbird applications, or any `Service`) until the calling task is
/// cancelled, and then stops them with a graceful shutdown rather than by cancelling their tasks.
///
/// Why: cancelling a NIO server task while an accepted connection is still buffered, not yet
/// handed to the server loop, traps with "Deinited NIOAsyncWriter without calling finish()"
/// (apple/swift-nio#3481; the maintainers' advice is graceful shutdown). It was seen here when
/// `demo` stopped its simulator right after the ingest engine had connected. A graceful shutdown
/// closes the listener and finishes what was accepted. Connections that outlive `grace` (say, a
/// stream client that never leaves) are then cut by cancellation, which is safe once nothing new
/// can be accepted.
///
/// ```swift
/// try await GracefulStop.run([app], logger: logger)   // returns when stopped; throws a bind error at once
/// ```
public enum GracefulStop {
    public static func run(_ services: [any Service], grace: Duration = .seconds(3), logger: Logger) async throws {
        let group = ServiceGroup(services: services, logger: logger)
        // Not a child task: the caller's cancellation must reach the servers as a graceful shutdown.
        let runner = Task { try await group.run() }
        try await withTaskCancellationHandler {
            try await runner.value
        } onCancel: {
            Task {
                await group.triggerGracefulShutdown()
                try? await Task.sleep(for: grace)
                runner.cancel()
            }
        }
    }
}
