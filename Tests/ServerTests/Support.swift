import App
import Arbitrage
import Cache
import Dex
import Logging
import Foundation
import Persistence
import Server
import Simulator
import SolanaCore
import XCTest
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Test-only feeding of a PoolStore from the bundled real snapshots (the product gets its
/// accounts from live ingestion; this stands in for it in tests).
enum Feed {
    static func cluster(seed: UInt64 = 3) throws -> Cluster { try Cluster.bundled(seed: seed, swapsPerSlot: 0) }

    static func store(from cluster: Cluster) -> PoolStore {
        let store = PoolStore(context: { QuoteContext(now: cluster.now, slot: cluster.slot) })
        for p in cluster.poolAddresses { store.addPool(PoolConfig(address: p)) }
        apply(cluster.allAccounts(), to: store)
        return store
    }

    /// Applies accounts until nothing new is taken (dependents are known only after their pool).
    static func apply(_ accounts: [AccountData], to store: PoolStore, at time: Double = Date().timeIntervalSince1970) {
        var pending = accounts
        for _ in 0..<6 {
            let next = pending.filter { store.apply($0, receivedAt: time).unknownAccount }
            if next.count == pending.count { break }
            pending = next
        }
    }
}

/// A fake ingestion engine: fixed connections, records add/remove calls.
// @unchecked Sendable: `lock` guards writes to added and removed; tests read them through the unlocked getters after the HTTP reply.
final class FakeIngest: IngestControl, @unchecked Sendable {
    private let lock = NSLock()
    private(set) var added: [PoolConfig] = []
    private(set) var removed: [Pubkey] = []
    func connections() -> [ConnectionHealth] {
        var c = ConnectionHealth(
            id: 0, endpoint: "ws://127.0.0.1:1", state: .live, subscriptions: 12, reconnects: 1, lastMessageAt: Date().timeIntervalSince1970)
        c.accountSubscriptions = 8
        c.programSubscriptions = 3
        c.updatesReceived = 500
        c.updatesApplied = 420
        c.updatesDroppedUnfollowed = 70
        return [c]
    }
    func addPool(_ config: PoolConfig) async { lock.withLock { added.append(config) } }
    func removePool(_ address: Pubkey) async -> Bool { lock.withLock { removed.append(address) }; return true }
    func counters() -> IngestCounters { var c = IngestCounters(); c.notifications = 42; c.appliedUpdates = 40; return c }
}

/// A fake arbitrage engine with fixed opportunities and a feed tests can push into.
// @unchecked Sendable: `lock` guards continuations and lastThreshold, and the server's reads of standing and legacy;
// tests set standing/legacy and read lastThreshold unlocked, between requests.
final class FakeOpportunities: OpportunityProvider, @unchecked Sendable {
    private let lock = NSLock()
    var standing: [Opportunity] = []
    var legacy: [PairGap] = []
    private var continuations: [AsyncStream<Opportunity>.Continuation] = []
    /// The last `thresholdPct` asked for (outer nil: never called; inner nil: no threshold_pct in the request).
    private(set) var lastThreshold: Double??

    func currentOpportunities() -> [Opportunity] { lock.withLock { standing } }
    func scanLegacy(thresholdPct: Double?) -> [PairGap] {
        lock.withLock {
            lastThreshold = .some(thresholdPct); return legacy.filter { $0.priceDiffPercent.doubleValue >= thresholdPct ?? 0 }
        }
    }
    func opportunityUpdates() -> AsyncStream<Opportunity> {
        let (s, c) = AsyncStream<Opportunity>.makeStream()
        lock.withLock { continuations.append(c) }
        return s
    }
    var subscriberCount: Int { lock.withLock { continuations.count } }
    func publish(_ o: Opportunity) { for c in lock.withLock({ continuations }) { c.yield(o) } }
    func finish() { for c in lock.withLock({ continuations }) { c.finish() } }

    static func sample(slot: UInt64 = 431_199_000, at: Double = 1_783_355_400.25) -> Opportunity {
        let pool1 = Pubkey("58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2"), pool2 = Pubkey("Czfq3xZZDmsdGdUyrNLtRhGc47cXcZtLG4crryfu44zE")
        return Opportunity(
            inputMint: KnownMints.wsol, inputAmount: 1_000_000_000, outputAmount: 1_003_000_000, grossProfit: 3_000_000,
            txCost: 0, profit: 3_000_000, profitLamports: 3_000_000,
            route: [
                .init(
                    pool: pool1, dex: .raydiumAmmV4, inputMint: KnownMints.wsol, outputMint: KnownMints.usdc, inAmount: 1_000_000_000,
                    outAmount: 81_386_311, inputIsTokenA: true),
                .init(
                    pool: pool2, dex: .orcaWhirlpool, inputMint: KnownMints.usdc, outputMint: KnownMints.wsol, inAmount: 81_386_311,
                    outAmount: 1_003_000_000, inputIsTokenA: false),
            ],
            slot: slot, detectedAtMs: Int64((at * 1000).rounded()), quoteCalls: 0)
    }
}

/// The API as the application builds it (`CacheApplication` with only the API part) on a free
/// loopback port; `stop()` shuts it down gracefully. A `persistence` store is closed by the stop.
// @unchecked Sendable: immutable after init (app, task and port are lets).
final class RunningServer: @unchecked Sendable {
    let app: CacheApplication
    let task: Task<Void, Error>
    let port: Int
    var base: String { "http://127.0.0.1:\(port)" }

    init(
        store: PoolStore, settings: APIServer.Settings = .init(port: 0), ingest: (any IngestControl)? = nil,
        opportunities: (any OpportunityProvider)? = nil, persistence: (any PersistenceStore)? = nil,
        configNotes: [APIServer.ConfigNote] = [], metrics: ServiceMetrics? = nil
    ) async throws {
        var quiet = Logger(label: "api-test")
        quiet.logLevel = .error
        var s = ApplicationSettings(store: store, api: settings, logger: quiet)
        s.opportunities = opportunities
        s.ingestControl = ingest
        s.database = persistence
        s.notes = configNotes
        s.metrics = metrics
        s.signals = []
        s.heapTrim = false
        s.startupReport = false
        let (stream, c) = AsyncStream<Int>.makeStream()
        s.onListening = { port in
            c.yield(port); c.finish()
        }
        let app = CacheApplication(s)
        self.app = app
        task = Task {
            defer { c.finish() }
            try await app.run()
        }
        var it = stream.makeAsyncIterator()
        guard let p = await it.next() else { throw URLError(.cannotConnectToHost) }
        port = p
    }

    func stop() async {
        await app.triggerGracefulShutdown()
        do { try await task.value } catch { XCTFail("the API stopped with \(error)") }
    }
}

/// Real HTTP over loopback with URLSession.
enum HTTP {
    struct Reply {
        let status: Int
        let body: Data
        let headers: [String: String]
        var text: String { String(decoding: body, as: UTF8.self) }
        func json() throws -> Any { try JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) }
        func object() throws -> [String: Any] { try XCTUnwrap(try json() as? [String: Any], text) }
        func array() throws -> [[String: Any]] { try XCTUnwrap(try json() as? [[String: Any]], text) }
    }

    /// The reply, or nil while nothing listens yet (a URLError: refused, reset, timed out); other errors throw.
    static func answer(_ url: String) async throws -> Reply? {
        do { return try await get(url) } catch is URLError { return nil }
    }

    static let session: URLSession = {
        let c = URLSessionConfiguration.ephemeral
        c.timeoutIntervalForRequest = 20
        return URLSession(configuration: c)
    }()

    static func request(_ method: String, _ url: String, body: Data? = nil, headers: [String: String] = [:]) async throws -> Reply {
        var r = URLRequest(url: try XCTUnwrap(URL(string: url), url))
        r.httpMethod = method
        r.httpBody = body
        for (k, v) in headers { r.setValue(v, forHTTPHeaderField: k) }
        if body != nil && headers["Content-Type"] == nil { r.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        let (data, response) = try await session.data(for: r)
        let http = try XCTUnwrap(response as? HTTPURLResponse)
        var h: [String: String] = [:]
        for (k, v) in http.allHeaderFields { h[String(describing: k).lowercased()] = String(describing: v) }
        return Reply(status: http.statusCode, body: data, headers: h)
    }

    static func get(_ url: String) async throws -> Reply { try await request("GET", url) }
    static func post(_ url: String, _ body: String) async throws -> Reply { try await request("POST", url, body: Data(body.utf8)) }
}

/// The config file a test's service uses against the in-process simulator: its endpoints, the API
/// port, a `[database]` body, extra sections, and every pool of the cluster.
enum SimulatorConfigFile {
    static func write(
        to url: URL, rpc: Int, pubsub: Int, apiPort: Int, database: String, extra: String = "", requestsPerSecond: Int? = 200,
        pools: [Pubkey]
    ) throws {
        let rate = requestsPerSecond.map { "requests_per_second = \($0)\n" } ?? ""
        let text = """
            [websocket]
            url = "ws://127.0.0.1:\(pubsub)"
            [rpc]
            http_url = "http://127.0.0.1:\(rpc)"
            \(rate)[api]
            port = \(apiPort)
            [database]
            \(database)
            \(extra)

            """ + pools.map { "[[pools]]\naddress = \"\($0)\"\n" }.joined(separator: "\n")
        try text.write(to: url, atomically: true, encoding: .utf8)
    }
}
