import App
import Cache
import Dex
import Foundation
import Ingest
import Logging
import Persistence
import Server
import Simulator
import SolanaCore
import XCTest

/// The database failing under a running application: a real PostgreSQL server killed with
/// SIGKILL and restarted, and a SQLite file on a full filesystem (a 1 MiB tmpfs). The service keeps
/// serving from memory, reports the outage in `/v1/health` and `/metrics`, retries with backoff,
/// and loses nothing it had committed.
final class PersistenceFaultTests: XCTestCase {
    /// A simulated cluster trading, and the application ingesting it with account snapshots.
    struct Rig {
        let cluster: Cluster
        let app: CacheApplication
        let snapshotter: AccountSnapshotter
        let running: Task<Void, Error>
        let simTask: Task<Void, Error>
        let apiPort: Int
        var base: String { "http://127.0.0.1:\(apiPort)" }

        func stop() async throws {
            await app.triggerGracefulShutdown()
            try await running.value
            simTask.cancel()
        }
    }

    /// `requireSnapshot`: wait for a first committed snapshot too (not on a disk full from the start).
    func start(database: any PersistenceStore, pools: Int? = nil, requireSnapshot: Bool = true) async throws -> Rig {
        let cluster = try Cluster.bundled(seed: 11, pools: pools, swapsPerSlot: 4)
        let simulator = SimulatorServer(cluster: cluster, options: .init(port: 0, slotMillis: 40))
        let ports = ReadyPorts()
        let simTask = Task { do { try await simulator.run { r, p in ports.set(r, p) } } catch { ports.fail(error); throw error } }
        let (rpc, pubsub) = try await ports.wait(timeout: 30)
        let store = PoolStore(context: { QuoteContext(now: cluster.now, slot: cluster.slot) })
        for p in cluster.poolAddresses { store.addPool(PoolConfig(address: p)) }
        _ = try await database.migrate()
        let snapshotter = AccountSnapshotter(store: store, database: database)
        var logger = Logger(label: "persistence-fault-test")
        logger.logLevel = .critical
        let listening = ReadyPorts()
        var settings = ApplicationSettings(
            store: store,
            ingest: IngestConfig(endpoints: [
                .init(websocketURL: "ws://127.0.0.1:\(pubsub)", httpURL: "http://127.0.0.1:\(rpc)", requestsPerSecond: 500)
            ]),
            api: APISettings(host: "127.0.0.1", port: 0), logger: logger)
        settings.database = database
        settings.snapshotter = snapshotter
        settings.snapshotInterval = 0.2
        settings.signals = []
        settings.heapTrim = false
        settings.startupReport = false
        settings.onListening = { port in listening.set(port, 0) }
        let app = CacheApplication(settings)
        let running = Task { try await app.run() }
        let (apiPort, _) = try await listening.wait(timeout: 30)
        let ready = try await Self.eventually(90) {
            store.entries().allSatisfy { $0.status == .ok }
                && (!requireSnapshot || snapshotter.status().lastSuccessAt != nil && snapshotter.committed.accounts > 0)
        }
        XCTAssertTrue(ready, "pools ok\(requireSnapshot ? " and a first snapshot committed" : "")")
        return Rig(cluster: cluster, app: app, snapshotter: snapshotter, running: running, simTask: simTask, apiPort: apiPort)
    }

    func testPostgresKilledAndRestartedMidRunLosesNothingCommitted() async throws {
        let pg = try PostgresServer.start()
        defer { pg.stop() }
        let rig = try await start(database: try PostgresStore(url: pg.url))
        let probe = try PostgresStore(url: pg.url)
        // What is committed before the crash (read back from the server itself).
        let before = Dictionary(uniqueKeysWithValues: try await probe.loadAccounts().map { ($0.account.address, $0.account.slot) })
        XCTAssertGreaterThan(before.count, 40)
        await probe.close()

        XCTAssertEqual(PostgresServer.run([PostgresServer.script, "kill", pg.dir]).0, 0, "SIGKILL to the server")
        let failing = try await Self.eventually(30) { rig.snapshotter.status().consecutiveFailures >= 2 }
        XCTAssertTrue(failing, "flushes fail while the server is down: \(rig.snapshotter.status())")
        // The service keeps serving from memory and says the database is down.
        let prices = try await HTTP.get("\(rig.base)/prices").array()
        XCTAssertEqual(prices.count, rig.cluster.poolAddresses.count)
        let health = try await HTTP.get("\(rig.base)/v1/health").object()
        let db = try XCTUnwrap(health["database"] as? [String: Any], "\(health)")
        XCTAssertEqual(db["ok"] as? Bool, false)
        let snaps = try XCTUnwrap(db["snapshots"] as? [String: Any])
        XCTAssertGreaterThanOrEqual(snaps["consecutive_failures"] as? Int ?? 0, 2)
        XCTAssertNotNil(snaps["last_error"] as? String)
        let metrics = try await HTTP.get("\(rig.base)/metrics").text
        XCTAssertTrue(metrics.contains("spc_snapshot_consecutive_failures "), metrics)
        XCTAssertFalse(metrics.contains("spc_snapshot_consecutive_failures 0\n"), "failures show in /metrics")

        let restartedAt = Date().timeIntervalSince1970
        XCTAssertEqual(PostgresServer.run([PostgresServer.script, "restart", pg.dir]).0, 0, "server back on the same port")
        let recovered = try await Self.eventually(45) {
            let s = rig.snapshotter.status()
            return s.consecutiveFailures == 0 && (s.lastSuccessAt ?? 0) > restartedAt
        }
        XCTAssertTrue(recovered, "snapshots resume after the restart: \(rig.snapshotter.status())")
        let healthAfter = try await HTTP.get("\(rig.base)/v1/health").object()
        XCTAssertEqual((healthAfter["database"] as? [String: Any])?["ok"] as? Bool, true)
        try await rig.stop()

        // Nothing committed before the crash is lost, and the final snapshot is there.
        let after = try PostgresStore(url: pg.url)
        let saved = Dictionary(uniqueKeysWithValues: try await after.loadAccounts().map { ($0.account.address, $0.account.slot) })
        await after.close()
        for (key, slot) in before { XCTAssertGreaterThanOrEqual(saved[key] ?? 0, slot, "\(key) lost or older after the crash") }
        XCTAssertEqual(saved.values.max(), rig.snapshotter.committed.highestSlot, "the shutdown flush reached the restarted server")
    }

    func testFullDiskUnderSQLiteIsLoggedAndSurvived() async throws {
        let mountPoint = FileManager.default.temporaryDirectory.appendingPathComponent("spc-enospc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        XCTAssertEqual(Self.sh("mount -t tmpfs -o size=1m tmpfs '\(mountPoint.path)'"), 0, "mount a 1 MiB tmpfs (needs root)")
        defer {
            XCTAssertEqual(Self.sh("umount -l '\(mountPoint.path)'"), 0)
            XCTAssertNoThrow(try FileManager.default.removeItem(at: mountPoint))
        }
        let path = mountPoint.appendingPathComponent("cache.sqlite").path
        let db = try SQLiteStore(path: path)
        // 300 pools' accounts (tick and bin arrays of 10 KB) are far more than 1 MiB: flushes hit ENOSPC.
        let rig = try await start(database: db, pools: 300, requireSnapshot: false)
        let full = try await Self.eventually(30) { (rig.snapshotter.status().lastError ?? "").lowercased().contains("full") }
        XCTAssertTrue(full, "a full disk is reported: \(rig.snapshotter.status())")
        let prices = try await HTTP.get("\(rig.base)/prices").array()
        XCTAssertEqual(prices.count, rig.cluster.poolAddresses.count, "the API keeps serving")
        let health = try await HTTP.get("\(rig.base)/v1/health").object()
        let snaps = try XCTUnwrap((health["database"] as? [String: Any])?["snapshots"] as? [String: Any])
        XCTAssertGreaterThan(snaps["failures_total"] as? Int ?? 0, 0)
        let integrity = try await db.integrityCheck()
        XCTAssertEqual(integrity, ["ok"], "the file is intact after the failed writes")
        try await rig.stop()
    }

    static func eventually(_ seconds: Double, _ condition: () async -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return await condition()
    }

    static func sh(_ command: String) -> Int32 { system("/bin/sh -c \"\(command)\" >/dev/null 2>&1") }
}
