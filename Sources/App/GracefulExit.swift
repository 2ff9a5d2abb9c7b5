import ServiceLifecycle

/// How the application's services end inside the `ServiceGroup`.
///
/// ServiceGroup reports any error a service throws during graceful shutdown as the group's error,
/// and a service that returns before its turn as "finished unexpectedly". So a long-running part
/// is cancelled by its own graceful shutdown and that cancellation is a clean end; returning
/// before shutdown is an error naming the part.
public enum GracefulExit {
    /// Runs a long-running part until its graceful shutdown (or the group's cancellation) stops it.
    public static func service(_ name: String, _ operation: @escaping @Sendable () async throws -> Void) async throws {
        do { try await cancelWhenGracefulShutdown(operation) } catch is CancellationError where stopping {
            return
        }
        if !stopping { throw EndedEarly(name: name) }
    }

    /// Runs a part that may finish on its own (a report, a trim loop that cannot read memory),
    /// then stays until shutdown so it never ends the group.
    public static func oneShot(_ operation: @escaping @Sendable () async throws -> Void) async throws {
        do { try await cancelWhenGracefulShutdown(operation) } catch is CancellationError where stopping {
            return
        }
        await waitForShutdown()
    }

    /// Suspends until graceful shutdown; returns as well when the task is cancelled.
    public static func waitForShutdown() async {
        do { try await gracefulShutdown() } catch {
            return  // CancellationError: the group is cancelled, which also means stop
        }
    }

    static var stopping: Bool { Task.isShuttingDownGracefully || Task.isCancelled }

    /// A long-running part returned although nothing asked it to stop.
    public struct EndedEarly: Error, CustomStringConvertible {
        public let name: String
        public var description: String { "\(name) stopped unexpectedly" }
    }
}
