import ServiceLifecycle

/// A part that may finish on its own (the startup report, the demo's progress, heap trim):
/// cancelled by graceful shutdown, and once done it waits for shutdown instead of ending the group.
public struct TaskService: Service, CustomStringConvertible {
    public let description: String
    let operation: @Sendable () async throws -> Void
    public init(_ name: String, _ operation: @escaping @Sendable () async throws -> Void) {
        self.description = name; self.operation = operation
    }
    public func run() async throws { try await GracefulExit.oneShot(operation) }
}
