import Cache
import Dex
import Foundation
import Persistence
import Server
import Simulator
import SolanaCore
import XCTest

/// Restart keeps the opportunity history and warm-starts the cache, on SQLite and on a real
/// PostgreSQL server (scripts/start-postgres.sh).
final class PersistenceTests: XCTestCase {
    func testSQLiteRestartKeepsHistoryAndWarmStarts() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("cache.sqlite").path
        try await restartScenario(open: { try SQLiteStore(path: path) })
    }

    func testPostgresRestartKeepsHistoryAndWarmStarts() async throws {
        let pg = try PostgresServer.start()
        defer { pg.stop() }
        try await restartScenario(open: { try PostgresStore(url: pg.url) })
    }

    /// Run 1: migrate, record opportunities (through the recorder), snapshot every account.
    /// Run 2 (new store object, new PoolStore): migrate again, history intact, warm start serves
    /// the same prices marked stale, then a live update makes a pool ok again.
    func restartScenario(open: () throws -> any PersistenceStore) async throws {
        let cluster = try Feed.cluster()
        let live = Feed.store(from: cluster)
        do {
            let db = try open()
            let version = try await db.migrate()
            XCTAssertEqual(version, 2)
            let arbitrage = FakeOpportunities()
            let recorder = Task { await OpportunityRecorder(provider: arbitrage, database: db).run() }
            for _ in 0..<100 where arbitrage.subscriberCount == 0 { try await Task.sleep(for: .milliseconds(10)) }
            arbitrage.publish(FakeOpportunities.sample(slot: 1))
            arbitrage.publish(FakeOpportunities.sample(slot: 2))
            arbitrage.finish()
            await recorder.value
            let written = try await AccountSnapshotter(store: live, database: db).flush()
            // Every held account (pools and their dependents present in the snapshots) is written once.
            XCTAssertEqual(written, live.watchedAccounts().filter { live.account($0) != nil }.count)
            XCTAssertGreaterThan(written, 40)
            do {
                let v = try await AccountSnapshotter(store: live, database: db).flush();
                XCTAssertEqual(v, written, "a fresh snapshotter writes all once")
            }
            await db.close()
        }

        let db = try open()
        do { let v = try await db.migrate(); XCTAssertEqual(v, 2, "re-running migrations is a no-op") }
        do { let v = try await db.opportunityCount(); XCTAssertEqual(v, 2) }
        let history = try await db.opportunityHistory(limit: 10)
        XCTAssertEqual(history.map(\.slot), [2, 1])
        let stored = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(history[0].json.utf8)) as? [String: Any])
        XCTAssertEqual(stored["outputAmount"] as? String, "1003000000")

        let warm = PoolStore(context: live.context)
        for p in cluster.poolAddresses { warm.addPool(PoolConfig(address: p)) }
        let snapshotter = AccountSnapshotter(store: warm, database: db)
        let result = try await snapshotter.warmStart()
        let priced = live.entries().filter { $0.price != nil }
        XCTAssertEqual(result.poolsPriced, priced.count)
        for e in priced {
            let w = try XCTUnwrap(warm.entry(e.address))
            XCTAssertEqual(w.status, .stale, "\(e.address)")
            XCTAssertEqual(w.price?.reserveA, e.price?.reserveA)
            XCTAssertEqual(w.price?.priceBPerA, e.price?.priceBPerA)
        }
        do { let v = try await snapshotter.flush(); XCTAssertEqual(v, 0, "nothing moved since the warm start") }

        // The API serves the warm cache at once, history included.
        let running = try await RunningServer(store: warm, settings: .init(port: 0), persistence: db)
        let prices = try await HTTP.get("\(running.base)/prices").array()
        XCTAssertEqual(prices.count, priced.count)
        let h = try await HTTP.get("\(running.base)/v1/opportunities?history=true").object()
        XCTAssertEqual(h["count"] as? Int, 2)
        let health = try await HTTP.get("\(running.base)/v1/health").object()
        XCTAssertEqual((health["database"] as? [String: Any])?["schema_version"] as? Int, 2)
        XCTAssertEqual(health["status"] as? String, "stale")

        // Live resync: a newer slot for the pool's accounts makes it ok again.
        let amm = Pubkey("58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2")
        let (sub, events) = cluster.subscribe()
        _ = try cluster.swap(pool: amm, inputMint: KnownMints.wsol, amountIn: 10_000_000)
        var it = events.makeAsyncIterator()
        let next = await it.next(); let event = try XCTUnwrap(next)
        cluster.unsubscribe(sub)
        Feed.apply(event.changed, to: warm)
        XCTAssertEqual(warm.entry(amm)?.status, .ok)
        do { let v = try await snapshotter.flush(); XCTAssertGreaterThan(v, 0) }
        // The application owns the database it was given: stopping it closes the connection.
        await running.stop()
    }
}

/// A throwaway PostgreSQL cluster from scripts/start-postgres.sh (installs Debian's package if needed).
struct PostgresServer {
    let dir: String
    let url: String
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/start-postgres.sh").path

    static func start() throws -> PostgresServer {
        let (status, out, err) = run([script, "start"])
        guard status == 0 else {
            throw NSError(domain: "pg", code: 1, userInfo: [NSLocalizedDescriptionKey: "scripts/start-postgres.sh failed: \(err)"])
        }
        let parts = out.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ")
        guard parts.count == 2 else { throw NSError(domain: "pg", code: 2, userInfo: [NSLocalizedDescriptionKey: out]) }
        return PostgresServer(dir: String(parts[0]), url: String(parts[1]))
    }

    func stop() { _ = Self.run([Self.script, "stop", dir]) }

    /// Runs the script through `system(3)` with output in files: Foundation's `Process` can wait
    /// forever here (the server the script starts outlives it and keeps inherited descriptors).
    static func run(_ args: [String]) -> (Int32, String, String) {
        let dir = FileManager.default.temporaryDirectory
        let outURL = dir.appendingPathComponent("spc-pg-\(UUID().uuidString).out"),
            errURL = dir.appendingPathComponent("spc-pg-\(UUID().uuidString).err")
        defer { try? FileManager.default.removeItem(at: outURL); try? FileManager.default.removeItem(at: errURL) }
        let quoted = args.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let status = system("/bin/bash \(quoted) </dev/null >'\(outURL.path)' 2>'\(errURL.path)'")
        let o = (try? String(contentsOf: outURL, encoding: .utf8)) ?? "", e = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        return (status == 0 ? 0 : 1, o, e)
    }
}
