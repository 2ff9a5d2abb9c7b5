import Cache
import Foundation
import Logging
import RPC
import Simulator
import SolanaCore

/// The in-process simulator (real HTTP JSON-RPC + PubSub WebSocket on loopback, port 0) for
/// integration tests, with its control methods and the cache-equals-chain invariant.
///
/// ```swift
/// let sim = try await SimulatorHarness.start(pools: 120)
/// defer { sim.stop() }
/// try await sim.control("simulatorPause")
/// XCTAssertEqual(SimulatorHarness.mismatches(store: store, cluster: sim.cluster), [])
/// ```
// @unchecked Sendable: immutable after init (cluster, server, ports, task and control are lets; each is thread-safe).
public final class SimulatorHarness: @unchecked Sendable {
    public let cluster: Cluster
    public let server: SimulatorServer
    public let rpcPort: Int
    public let wsPort: Int
    /// The Yellowstone-compatible gRPC port (nil unless started with `grpc: true`).
    public private(set) var grpcPort: Int?
    let task: Task<Void, Error>
    let control: JSONRPCClient

    /// A JSON-RPC client of the simulator (patient retries), for tests' own reads.
    public var rpc: JSONRPCClient { control }
    public var httpURL: String { "http://127.0.0.1:\(rpcPort)" }
    public var wsURL: String { "ws://127.0.0.1:\(wsPort)" }

    init(cluster: Cluster, server: SimulatorServer, rpcPort: Int, wsPort: Int, task: Task<Void, Error>) throws {
        self.cluster = cluster; self.server = server; self.rpcPort = rpcPort; self.wsPort = wsPort; self.task = task
        var options = JSONRPCClient.Options(requestsPerSecond: 1_000, requestTimeoutSeconds: 10)
        options.maxAttempts = 20
        control = try JSONRPCClient(url: "http://127.0.0.1:\(rpcPort)", dialer: try Dialer(), options: options)
    }

    public static func start(
        pools: Int? = nil, seed: UInt64 = 7, slotMillis: Int = 50, swapsPerSlot: Int = 4,
        requestsPerSecond: Double? = nil, extraAccounts: [AccountData] = [],
        maxSubscriptionsPerConnection: Int = 100, grpc: Bool = false, grpcRetainedSlots: Int = GeyserFeed.defaultRetainedSlots,
        grpcXToken: String? = nil, grpcPingMillis: Int = 500
    ) async throws -> SimulatorHarness {
        var accounts = try Cluster.bundledAccounts()
        if let pools { accounts = PoolCloner.clone(accounts: accounts, toPoolCount: pools) }
        let cluster = Cluster(accounts: accounts + extraAccounts, seed: seed, swapsPerSlot: swapsPerSlot)
        var logger = Logger(label: "simulator")
        logger.logLevel = .error
        var options = SimulatorServer.Options(host: "127.0.0.1", port: 0, slotMillis: slotMillis, requestsPerSecond: requestsPerSecond)
        options.maxSubscriptionsPerConnection = maxSubscriptionsPerConnection
        if grpc {
            options.grpcPort = 0
            options.grpcRetainedSlots = grpcRetainedSlots
            options.grpcXToken = grpcXToken
            options.grpcPingMillis = grpcPingMillis
        }
        let server = SimulatorServer(cluster: cluster, options: options, logger: logger)
        let (ports, sink) = AsyncStream<(Int, Int)>.makeStream()
        // finish() on every exit: a server that fails before binding must fail the test, not leave it waiting.
        let task = Task {
            defer { sink.finish() };
            try await server.run { r, p in
                sink.yield((r, p)); sink.finish()
            }
        }
        var iterator = ports.makeAsyncIterator()
        guard let (r, p) = await iterator.next() else { throw CancellationError() }
        let harness = try SimulatorHarness(cluster: cluster, server: server, rpcPort: r, wsPort: p, task: task)
        // onReady ran after the gRPC port was bound, so this returns at once.
        if grpc { harness.grpcPort = try await server.ports.waitGRPC(timeout: 10) }
        return harness
    }

    @discardableResult
    public func control(_ method: String, _ params: JSONText = .array([])) async throws -> JSONValue {
        try await control.call(method, params: params)
    }

    public func fault(_ kind: String, durationMs: Int = 2_000, count: Int = 1, retryAfterSeconds: Int = 1) async throws {
        try await control(
            "simulatorFault",
            .array([
                .object([
                    ("kind", .string(kind)), ("durationMs", .number(String(durationMs))),
                    ("count", .number(String(count))), ("retryAfterSeconds", .number(String(retryAfterSeconds))),
                ])
            ]))
    }

    public func stop() {
        control.shutdown()
        task.cancel()
    }

    /// Every account the cache holds must equal the simulator's current bytes and owner, at a
    /// slot no older than the simulator's last write of it (snapshots carry the reply's context
    /// slot, which may be later than the write) and no newer than the cluster's slot. Every
    /// watched account of an `ok` pool that exists on the chain must be held.
    public static func mismatches(store: PoolStore, cluster: Cluster, limit: Int = 10) -> [String] {
        var out: [String] = []
        let clusterSlot = cluster.slot
        for key in store.watchedAccounts().sorted() {
            guard let cached = store.account(key) else { continue }
            guard let sim = cluster.account(key) else { out.append("\(key): cached but not in the cluster"); continue }
            if cached.data != sim.data { out.append("\(key): bytes differ (cached slot \(cached.slot), cluster write slot \(sim.slot))") }
            if cached.owner != sim.owner { out.append("\(key): owner differs") }
            if cached.slot < sim.slot { out.append("\(key): cached slot \(cached.slot) older than the cluster's \(sim.slot)") }
            if cached.slot > clusterSlot { out.append("\(key): cached slot \(cached.slot) is in the future (cluster at \(clusterSlot))") }
            if out.count >= limit { return out }
        }
        for e in store.entries() where e.status == .ok {
            // Optional accounts that do not exist on the chain (a bitmap extension never created) cannot be held.
            for key in [e.address] + e.watched where store.account(key) == nil && cluster.account(key) != nil {
                out.append("pool \(e.address): watched account \(key) not cached")
                if out.count >= limit { return out }
            }
        }
        return out
    }

    /// Polls `condition` until true or `timeout`; returns whether it became true.
    public static func eventually(timeout: Double, every: Double = 0.05, _ condition: () async -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if await condition() { return true }
            try? await Task.sleep(nanoseconds: UInt64(every * 1e9))
        }
        return await condition()
    }
}
