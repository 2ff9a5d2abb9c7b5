import App
import Arbitrage
import Cache
import Config
import Dex
import Foundation
import Ingest
import Logging
import Persistence
import RPC
import Server
import Simulator
import SolanaCore
import XCTest

/// The whole application as `run` and `demo` build it (`CacheApplication`), in-process, against
/// the simulated cluster over real JSON-RPC/PubSub: pools become ok, the API answers, and a
/// graceful shutdown stops ingest before the final snapshot and closes the listener.
final class ApplicationTests: XCTestCase {
    /// Lines the application printed (startup report, shutdown lines).
    // @unchecked Sendable: `lock` guards lines.
    final class Output: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func add(_ line: String) { lock.withLock { lines.append(line) } }
        var all: [String] { lock.withLock { lines } }
    }

    func testWholeApplicationIngestsServesAndStopsInOrder() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spc-app-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { XCTAssertNoThrow(try FileManager.default.removeItem(at: dir), "temporary directory left behind") }

        // Fast slots with swaps: ingest is busy when the shutdown comes.
        let cluster = try Cluster.bundled(seed: 7, swapsPerSlot: 6)
        let simulator = SimulatorServer(cluster: cluster, options: .init(port: 0, slotMillis: 50))
        let ports = ReadyPorts()
        let simTask = Task { do { try await simulator.run { r, p in ports.set(r, p) } } catch { ports.fail(error); throw error } }
        defer { simTask.cancel() }
        let (rpc, pubsub) = try await ports.wait(timeout: 30)

        let store = PoolStore(context: { QuoteContext(now: cluster.now, slot: cluster.slot) })
        for p in cluster.poolAddresses { store.addPool(PoolConfig(address: p)) }
        let database = try SQLiteStore(path: dir.appendingPathComponent("cache.sqlite").path)
        _ = try await database.migrate()
        let output = Output()
        let listening = ReadyPorts()
        var settings = ApplicationSettings(
            store: store, ingest: IngestConfig(endpoints: [.init(websocketURL: "ws://127.0.0.1:\(pubsub)", httpURL: "http://127.0.0.1:\(rpc)")]),
            api: APISettings(host: "127.0.0.1", port: 0), router: RouterSettings(minROIPercent: 0),
            logger: Logger(label: "app-test"))
        settings.database = database
        settings.recordOpportunities = true
        settings.snapshotter = AccountSnapshotter(store: store, database: database)
        settings.snapshotInterval = 0.5
        settings.signals = []
        settings.output = { output.add($0) }
        settings.onListening = { port in listening.set(port, 0) }
        let app = CacheApplication(settings)
        let running = Task { try await app.run() }

        let (apiPort, _) = try await listening.wait(timeout: 30)
        let deadline = Date().addingTimeInterval(40)
        while Date() < deadline && store.entries().contains(where: { $0.status != .ok }) { try await Task.sleep(for: .milliseconds(100)) }
        XCTAssertEqual(store.entries().filter { $0.status == .ok }.count, cluster.poolAddresses.count, "every pool ok")
        let health = try await HTTP.get("http://127.0.0.1:\(apiPort)/v1/health")
        XCTAssertEqual(health.status, 200, health.text)
        let body = try health.object()
        XCTAssertNotNil(body["router"], health.text)
        let prices = try await HTTP.get("http://127.0.0.1:\(apiPort)/prices").array()
        XCTAssertEqual(prices.count, cluster.poolAddresses.count)

        try await Task.sleep(for: .seconds(1))  // a few periodic flushes under load
        let stopping = Date()
        await app.triggerGracefulShutdown()
        try await running.value
        XCTAssertLessThan(Date().timeIntervalSince(stopping), 10, "bounded shutdown")
        XCTAssertFalse(LoopbackPort.isListening(apiPort), "the API listener is closed")

        // Ingest stopped before the final flush: nothing in the store is newer than what was committed.
        let line = try XCTUnwrap(output.all.first { $0.hasPrefix("shutdown: snapshot committed") }, "\(output.all)")
        let storeHighest = store.watchedAccounts().compactMap { store.account($0)?.slot }.max()
        XCTAssertTrue(line.hasSuffix("up to slot \(try XCTUnwrap(storeHighest))"), "\(line) vs store slot \(String(describing: storeHighest))")
        let slotAfterStop = cluster.slot
        try await Task.sleep(for: .milliseconds(300))
        XCTAssertGreaterThan(cluster.slot, slotAfterStop, "the simulator kept trading")
        XCTAssertEqual(store.watchedAccounts().compactMap { store.account($0)?.slot }.max(), storeHighest, "no update after shutdown")
        XCTAssertTrue(output.all.contains("pools: \(cluster.poolAddresses.count) of \(cluster.poolAddresses.count) priced"), "\(output.all)")

        // The database was closed last: the snapshot is on disk and readable by a fresh connection.
        let reopened = try SQLiteStore(path: dir.appendingPathComponent("cache.sqlite").path)
        let saved = try await reopened.loadAccounts()
        await reopened.close()
        XCTAssertEqual(saved.map(\.account.slot).max(), storeHighest)
    }

    /// The API's port is taken: `run()` ends at once with the listen error (the CLI prints it and
    /// exits 1), after shutting the other services down.
    func testTakenAPIPortEndsTheApplicationWithThatError() async throws {
        let blocker = try await RunningServer(store: PoolStore(), settings: .init(port: 0))
        defer { Task { await blocker.stop() } }
        let cluster = try Feed.cluster()
        var settings = ApplicationSettings(
            store: Feed.store(from: cluster), api: APISettings(host: "127.0.0.1", port: blocker.port),
            router: RouterSettings(minROIPercent: 0), logger: Logger(label: "app-test"))
        settings.signals = []
        settings.output = { _ in }
        let app = CacheApplication(settings)
        let started = Date()
        do {
            try await app.run()
            XCTFail("run returned although the port is taken")
        } catch let error as APIServer.ListenError {
            XCTAssertEqual(error.port, blocker.port)
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
    }
}
