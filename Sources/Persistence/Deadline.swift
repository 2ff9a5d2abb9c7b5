import Foundation

/// Runs a database operation with a deadline: `PersistenceError.timeout` is thrown when it has not
/// finished in time, and the operation's task is cancelled. PostgreSQL's client queues a request
/// until a connection is available, which, with the server gone, is never; nothing that waits on
/// the database (a flush, `/v1/health`) may wait that long.
///
/// The operation runs in its own task and the caller is resumed by whichever comes first, the
/// operation or the deadline: a task group would wait for its children, and an operation that does
/// not honour cancellation (a request queued on a dead connection pool) held a flush forever
/// (the 10-minute PostgreSQL soak, `postgres_restart`).
///
/// ```swift
/// let rows = try await Deadline.run("load accounts", seconds: 10) { try await client.query(…) }
/// ```
public enum Deadline {
    public static func run<T: Sendable>(_ operation: String, seconds: Double, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let race = Race<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
                let work = Task {
                    do { race.finish(.success(try await body())) } catch { race.finish(.failure(error)) }
                }
                let timer = Task {
                    try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                    race.finish(.failure(PersistenceError.timeout(operation: operation, seconds: seconds)))
                }
                race.start(continuation, tasks: [work, timer])
            }
        } onCancel: {
            race.finish(.failure(CancellationError()))
        }
    }

    /// The first result wins; the continuation is resumed exactly once and both tasks are cancelled.
    final class Race<T: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var continuation: CheckedContinuation<T, Error>?
        private var pending: Result<T, Error>?
        private var tasks: [Task<Void, Never>] = []
        private var done = false

        func start(_ c: CheckedContinuation<T, Error>, tasks t: [Task<Void, Never>]) {
            let early: Result<T, Error>? = lock.withLock {
                if done { return pending }
                continuation = c
                tasks = t
                return nil
            }
            if let early {
                for task in t { task.cancel() }
                c.resume(with: early)
            }
        }

        func finish(_ result: Result<T, Error>) {
            let (c, t): (CheckedContinuation<T, Error>?, [Task<Void, Never>]) = lock.withLock {
                if done { return (nil, []) }
                done = true
                if continuation == nil { pending = result }
                defer { continuation = nil; tasks = [] }
                return (continuation, tasks)
            }
            for task in t { task.cancel() }
            c?.resume(with: result)
        }
    }
}
