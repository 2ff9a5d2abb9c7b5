import Foundation
import Logging
import SolanaCore

/// A Solana JSON-RPC client for one HTTP endpoint: token-bucket rate limit, `429 Retry-After`
/// honoured (the whole endpoint waits), retries with backoff on 5xx and broken connections,
/// a deadline on every request, keep-alive connections through the dialer (proxy, TLS).
///
/// ```swift
/// let rpc = try JSONRPCClient(url: "http://127.0.0.1:8899", dialer: dialer, requestsPerSecond: 10)
/// let (slot, accounts) = try await rpc.getMultipleAccounts(keys, commitment: "confirmed")
/// ```
// @unchecked Sendable: `lock` guards idle, _stats and nextId; the rest is immutable after init (`limiter` locks itself).
public final class JSONRPCClient: @unchecked Sendable {
    public struct Options: Sendable {
        public var requestsPerSecond: Double = 10
        public var requestTimeoutSeconds: Double = 10
        /// Attempts per call (first try included) on 429, 5xx and broken connections.
        public var maxAttempts = 8
        /// Longest Retry-After we obey; a server asking for more gets this instead.
        public var maxRetryAfterSeconds: Double = 30
        public var maxResponseBytes = 256 << 20
        public var maxIdleConnections = 4
        public init(requestsPerSecond: Double = 10, requestTimeoutSeconds: Double = 10) {
            self.requestsPerSecond = requestsPerSecond; self.requestTimeoutSeconds = requestTimeoutSeconds
        }
    }

    /// Counters for metrics (monotonic).
    public struct Stats: Sendable, Equatable {
        public var requests: UInt64 = 0
        public var http429: UInt64 = 0
        public var retries: UInt64 = 0
        public var failures: UInt64 = 0
    }

    /// Largest key count per `getMultipleAccounts` call (the RPC node's limit).
    public static let maxKeysPerCall = 100

    public let url: EndpointURL
    public let options: Options
    let dialer: Dialer
    let limiter: RateLimiter
    let logger: Logger
    private let lock = NSLock()
    private var idle: [HTTPConnection] = []
    private var _stats = Stats()
    private var nextId: UInt64 = 1

    public init(url: String, dialer: Dialer, options: Options = Options(), logger: Logger = Logger(label: "rpc")) throws {
        self.url = try EndpointURL(url)
        guard !self.url.isWebSocket else { throw TransportError.badURL("\(self.url) is not an http(s) URL") }
        self.dialer = dialer
        self.options = options
        self.limiter = RateLimiter(requestsPerSecond: options.requestsPerSecond)
        self.logger = logger
    }

    public var stats: Stats { lock.withLock { _stats } }

    deinit { for c in idle { c.close() } }

    /// Closes idle connections.
    public func shutdown() {
        let conns = lock.withLock { () -> [HTTPConnection] in
            defer { idle = [] }; return idle
        }
        for c in conns { c.close() }
    }

    // MARK: typed methods

    /// Accounts in key order (nil = does not exist) and the context slot of each batch's reply
    /// (the smallest one when several batches were needed). Batches of ≤ 100 keys.
    public func getMultipleAccounts(_ keys: [Pubkey], commitment: String) async throws -> (slot: UInt64, accounts: [AccountData?]) {
        var out: [AccountData?] = []
        out.reserveCapacity(keys.count)
        var minSlot = UInt64.max
        var start = 0
        while start < keys.count {
            let batch = Array(keys[start..<min(keys.count, start + Self.maxKeysPerCall)])
            let (slot, accounts) = try await getMultipleAccountsBatch(batch, commitment: commitment)
            minSlot = min(minSlot, slot)
            out += accounts
            start += batch.count
        }
        return (minSlot == .max ? 0 : minSlot, out)
    }

    func getMultipleAccountsBatch(_ keys: [Pubkey], commitment: String) async throws -> (UInt64, [AccountData?]) {
        let params = JSONText.array([
            .array(keys.map { .string($0.base58) }),
            .object([("encoding", .string("base64")), ("commitment", .string(commitment))]),
        ])
        return try RPCReply.multipleAccounts(try await call("getMultipleAccounts", params: params), keys: keys)
    }

    /// A `getProgramAccounts` filter.
    public enum Filter: Sendable, Hashable {
        case dataSize(Int)
        case memcmp(offset: Int, bytes: [UInt8])
        public var json: JSONText {
            switch self {
            case .dataSize(let n): return .object([("dataSize", .number(String(n)))])
            case let .memcmp(offset, bytes):
                return .object([("memcmp", .object([("offset", .number(String(offset))), ("bytes", .string(Base58.encode(bytes)))]))])
            }
        }
    }

    /// Which bytes of each account a reply carries (`dataSlice`): where only addresses or a few
    /// fields are needed (discovery reads two mints), the reply is a few dozen bytes per account.
    public struct DataSlice: Sendable, Equatable {
        public var offset: Int
        public var length: Int
        public init(offset: Int, length: Int) { self.offset = offset; self.length = length }
        var json: JSONText { .object([("offset", .number(String(offset))), ("length", .number(String(length)))]) }
    }

    /// Accounts owned by `program` matching every filter, with the reply's context slot. With
    /// `dataSlice`, each account's `data` holds only those bytes (filters still see the whole account).
    public func getProgramAccounts(
        _ program: Pubkey, filters: [Filter], dataSlice: DataSlice? = nil, commitment: String
    ) async throws -> (slot: UInt64, accounts: [AccountData]) {
        var config: [(String, JSONText)] = [
            ("encoding", .string("base64")), ("commitment", .string(commitment)), ("withContext", .bool(true)),
            ("filters", .array(filters.map(\.json))),
        ]
        if let dataSlice { config.append(("dataSlice", dataSlice.json)) }
        let params = JSONText.array([.string(program.base58), .object(config)])
        return try RPCReply.programAccounts(try await call("getProgramAccounts", params: params))
    }

    public func getSlot(commitment: String) async throws -> UInt64 {
        let result = try await call("getSlot", params: .array([.object([("commitment", .string(commitment))])]))
        return try RPCReply.slot(result)
    }

    // MARK: the call loop

    /// One JSON-RPC call; returns `result` or throws (`TransportError.rpc` for JSON-RPC errors).
    public func call(_ method: String, params: JSONText) async throws -> JSONValue {
        let id = lock.withLock { () -> UInt64 in
            defer { nextId += 1 }; return nextId
        }
        let body = Array(
            JSONText.object([
                ("jsonrpc", .string("2.0")), ("id", .number(String(id))), ("method", .string(method)),
                ("params", params),
            ]).rendered.utf8)
        var attempt = 0
        var lastError: Error = TransportError.connectionClosed
        while attempt < options.maxAttempts {
            attempt += 1
            try Task.checkCancellation()
            try await limiter.acquire()
            lock.withLock { _stats.requests += 1 }
            let reply: HTTPReply
            do {
                reply = try await send(body)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                lastError = error
                lock.withLock { _stats.retries += 1 }
                logger.debug("rpc \(method) to \(url) failed: \(error); retrying")
                try await Task.sleep(nanoseconds: Self.backoffNanos(attempt))
                continue
            }
            switch reply.status {
            case 200:
                return try RPCReply.result(body: reply.body, method: method)
            case 429:
                let wait = min(options.maxRetryAfterSeconds, reply.retryAfter ?? Double(min(attempt, 5)) * 0.5)
                lock.withLock {
                    _stats.http429 += 1; _stats.retries += 1
                }
                logger.info("rpc \(url) answered 429 to \(method); waiting \(wait)s (Retry-After)")
                limiter.block(forSeconds: wait)
                lastError = TransportError.httpStatus(429, retryAfter: reply.retryAfter)
            case 500...599:
                lock.withLock { _stats.retries += 1 }
                lastError = TransportError.httpStatus(reply.status, retryAfter: reply.retryAfter)
                try await Task.sleep(nanoseconds: Self.backoffNanos(attempt))
            default:
                lock.withLock { _stats.failures += 1 }
                throw TransportError.httpStatus(reply.status, retryAfter: nil)
            }
        }
        lock.withLock { _stats.failures += 1 }
        throw lastError
    }

    static func backoffNanos(_ attempt: Int) -> UInt64 {
        let base = min(2.0, 0.05 * pow(2, Double(attempt - 1)))
        return UInt64(base * Double.random(in: 0.5...1.0) * 1e9)
    }

    private func send(_ body: [UInt8]) async throws -> HTTPReply {
        let conn: HTTPConnection
        if let c = lock.withLock({ () -> HTTPConnection? in
            while let c = idle.popLast() { if c.isUsable { return c } else { c.close() } }
            return nil
        }) {
            conn = c
        } else {
            conn = try await withDeadline(options.requestTimeoutSeconds, what: "connect \(url)") { [url, dialer, options] in
                try await HTTPConnection.open(url, dialer: dialer, maxResponseBytes: options.maxResponseBytes)
            }
        }
        do {
            let reply = try await conn.post(body: body, timeoutSeconds: options.requestTimeoutSeconds)
            if reply.keepAlive && conn.isUsable {
                let extra: HTTPConnection? = lock.withLock {
                    if idle.count < options.maxIdleConnections { idle.append(conn); return nil }
                    return conn
                }
                extra?.close()
            } else {
                conn.close()
            }
            return reply
        } catch {
            conn.close()
            throw error
        }
    }
}

/// Runs `body` with a deadline; the loser is cancelled.
func withDeadline<T: Sendable>(_ seconds: Double, what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(nanoseconds: UInt64(max(0.001, seconds) * 1e9))
            throw TransportError.requestTimeout("\(what) after \(seconds)s")
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw CancellationError() }
        return first
    }
}
