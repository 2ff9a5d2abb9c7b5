import Foundation

/// The ports a server pair bound, handed from its ready callbacks to whoever waits for them.
///
/// `wait` never outlives the servers' failure or its own task: a server that cannot bind (port
/// taken) reports `fail(_:)` and the waiter gets that error, a cancelled waiter gets
/// `CancellationError`, and `timeout` bounds the rest. (A plain continuation here once made a
/// simulator whose WebSocket port was taken hang instead of exiting: its task group waited on a
/// waiter nobody would resume.)
// @unchecked Sendable: `lock` guards rpc, pubsub, grpc and failure.
public final class ReadyPorts: @unchecked Sendable {
    public struct NotReady: Error, CustomStringConvertible {
        public let seconds: Double
        public var description: String { "the server did not report its ports within \(Int(seconds)) s" }
    }

    private let lock = NSLock()
    private var rpc: Int?, pubsub: Int?, grpc: Int?
    private var failure: Error?

    public init() {}

    public func set(rpc: Int) { lock.withLock { self.rpc = rpc } }
    public func set(pubsub: Int) { lock.withLock { self.pubsub = pubsub } }
    public func set(grpc: Int) { lock.withLock { self.grpc = grpc } }
    public func set(_ rpc: Int, _ pubsub: Int) {
        lock.withLock {
            self.rpc = rpc; self.pubsub = pubsub
        }
    }
    /// The server stopped before it was ready: waiters get `error`.
    public func fail(_ error: Error) { lock.withLock { if failure == nil { failure = error } } }

    /// The gRPC port once set (same rules as `wait`).
    public func waitGRPC(timeout: Double? = nil) async throws -> Int {
        let start = Date()
        while true {
            let (g, f) = lock.withLock { (grpc, failure) }
            if let g { return g }
            if let f { throw f }
            if let timeout, Date().timeIntervalSince(start) >= timeout { throw NotReady(seconds: timeout) }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// (rpc, pubsub) once both are set. Polls every 10 ms: this is a start-up handshake.
    public func wait(timeout: Double? = nil) async throws -> (Int, Int) {
        let start = Date()
        while true {
            let (r, p, f) = lock.withLock { (rpc, pubsub, failure) }
            if let r, let p { return (r, p) }
            if let f { throw f }
            if let timeout, Date().timeIntervalSince(start) >= timeout { throw NotReady(seconds: timeout) }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}
