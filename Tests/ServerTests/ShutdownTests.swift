import Foundation
import Persistence
import RPC
import Simulator
import SolanaCore
import XCTest
#if canImport(Glibc)
    import Glibc
#endif

/// SIGTERM during load: the real binary (`run` with SQLite persistence, fed by the in-process
/// simulator over real JSON-RPC/PubSub) stops with exit 0 and a clean log, and everything it
/// reports as committed is in the database and comes back on warm start.
final class ShutdownTests: XCTestCase {
    static let binary = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".build/debug/solana-pool-cache")

    func testSigtermUnderLoadCommitsEverythingItReports() async throws {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build first (swift build)")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spc-shutdown-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }

        // Fast slots with many swaps: ingestion is busy when the signal arrives.
        let cluster = try Cluster.bundled(seed: 11, swapsPerSlot: 12)
        let simulator = SimulatorServer(cluster: cluster, options: .init(port: 0, slotMillis: 50))
        let (portStream, portContinuation) = AsyncStream<(Int, Int)>.makeStream()
        let simTask = Task {
            defer { portContinuation.finish() };
            try await simulator.run { rpc, pubsub in
                portContinuation.yield((rpc, pubsub)); portContinuation.finish()
            }
        }
        defer { simTask.cancel() }
        var it = portStream.makeAsyncIterator()
        let ports = await it.next()
        let (rpc, pubsub) = try XCTUnwrap(ports)

        let apiPort = try LoopbackPort.free()
        let db = dir.appendingPathComponent("cache.sqlite").path
        let config = dir.appendingPathComponent("config.toml")
        try SimulatorConfigFile.write(
            to: config, rpc: rpc, pubsub: pubsub, apiPort: apiPort,
            database: "path = \"\(db)\"\nsnapshot_interval_seconds = 0.5", pools: cluster.poolAddresses)

        // First run: wait until prices are served, load the API for a while, SIGTERM mid-load.
        let first = try Self.launch(config: config, log: dir.appendingPathComponent("first.log"))
        defer { if first.isRunning { first.terminate() } }
        try await waitForPrices(port: apiPort, atLeast: 8)
        let stopLoad = Flag()
        let load = Task {
            await withTaskGroup(of: Int.self) { group in
                for n in 0..<4 {
                    group.addTask {
                        var ok = 0
                        while !stopLoad.isSet {
                            let path = n % 2 == 0 ? "/prices" : "/v1/pools"
                            if (try? await HTTP.get("http://127.0.0.1:\(apiPort)\(path)"))?.status == 200 { ok += 1 }
                        }
                        return ok
                    }
                }
                return await group.reduce(0, +)
            }
        }
        try await Task.sleep(for: .seconds(3))
        kill(first.processIdentifier, SIGTERM)
        let signalled = Date()
        while first.isRunning && Date().timeIntervalSince(signalled) < 15 { try await Task.sleep(for: .milliseconds(50)) }
        stopLoad.set()
        let served = await load.value
        XCTAssertFalse(first.isRunning, "still running 15 s after SIGTERM")
        let stopSeconds = Date().timeIntervalSince(signalled)
        XCTAssertEqual(first.terminationStatus, 0)
        XCTAssertGreaterThan(served, 20, "the API was under load")
        let log = try String(contentsOf: dir.appendingPathComponent("first.log"), encoding: .utf8)
        XCTAssertTrue(log.contains("stopped"), log)
        XCTAssertFalse(log.contains("failed"), log)
        XCTAssertFalse(log.localizedCaseInsensitiveContains("fatal"), log)

        // What the process reported committed…
        let line = try XCTUnwrap(log.split(separator: "\n").first { $0.hasPrefix("shutdown: snapshot committed") }, log)
        let numbers = line.split(whereSeparator: { !$0.isNumber }).compactMap { UInt64($0) }
        XCTAssertEqual(numbers.count, 2, String(line))
        let (accounts, highestSlot) = (Int(numbers[0]), numbers[1])
        XCTAssertGreaterThan(accounts, cluster.poolAddresses.count, "pools and their vaults/dependents")
        // …is what the database holds (nothing newer was lost between the last flush and exit)…
        let store = try SQLiteStore(path: db)
        let saved = try await store.loadAccounts()
        await store.close()
        XCTAssertEqual(saved.count, accounts)
        XCTAssertEqual(saved.map(\.account.slot).max(), highestSlot)

        // …and comes back on warm start (the simulator is gone: only the database can supply it).
        simTask.cancel()
        _ = try? await simTask.value
        let second = try Self.launch(config: config, log: dir.appendingPathComponent("second.log"))
        defer { if second.isRunning { second.terminate() } }
        try await waitForPrices(port: apiPort, atLeast: 8)
        kill(second.processIdentifier, SIGTERM)
        let again = Date()
        while second.isRunning && Date().timeIntervalSince(again) < 15 { try await Task.sleep(for: .milliseconds(50)) }
        XCTAssertFalse(second.isRunning)
        XCTAssertEqual(second.terminationStatus, 0)
        let secondLog = try String(contentsOf: dir.appendingPathComponent("second.log"), encoding: .utf8)
        XCTAssertTrue(secondLog.contains("warm start: \(accounts) accounts"), secondLog)
        FileHandle.standardError.write(
            Data("SHUTDOWN stop_seconds=\(String(format: "%.2f", stopSeconds)) requests=\(served) committed=\(accounts) slot=\(highestSlot)\n".utf8))
    }

    static func launch(config: URL, log: URL) throws -> Process {
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        let p = Process()
        p.executableURL = binary
        p.arguments = ["run", config.path]
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        return p
    }

    func waitForPrices(port: Int, atLeast count: Int) async throws {
        let start = Date()
        while Date().timeIntervalSince(start) < 40 {
            // Refused connections while the service starts are expected; a 200 must carry the rows array.
            if let reply = try await HTTP.answer("http://127.0.0.1:\(port)/prices"), reply.status == 200, try reply.array().count >= count {
                return
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        XCTFail("no prices on port \(port) within 40 s")
    }
}

/// A thread-safe stop flag.
// @unchecked Sendable: `lock` guards value.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
