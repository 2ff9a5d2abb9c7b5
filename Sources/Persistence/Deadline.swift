/// Runs a database operation with a deadline: the operation's task is cancelled and
/// `PersistenceError.timeout` thrown when it has not finished in time. PostgreSQL's client queues
/// a request until a connection is available, which, with the server gone, is never; nothing
/// that waits on the database (a flush, `/v1/health`) may wait that long.
///
/// ```swift
/// let rows = try await Deadline.run("load accounts", seconds: 10) { try await client.query(…) }
/// ```
public enum Deadline {
    public static func run<T: Sendable>(_ operation: String, seconds: Double, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                throw PersistenceError.timeout(operation: operation, seconds: seconds)
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw CancellationError() }
            return first
        }
    }
}
