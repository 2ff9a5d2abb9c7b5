import Foundation
import Simulator
import XCTest
#if canImport(Glibc)
    import Glibc
#endif

/// SIGTERM and SIGINT of the real binary are a graceful, ordered shutdown through the
/// application's ServiceGroup: exit 0 within a bound, the final snapshot line before "stopped".
final class SignalTests: XCTestCase {
    func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spc-signal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Waits (bounded) until the log has a line containing `text`. Only stderr (the logger) is
    /// seen while running: stdout to a file is block-buffered until exit.
    func waitForLine(_ text: String, in log: URL, process: Process, seconds: Double = 40) async throws {
        let start = Date()
        while Date().timeIntervalSince(start) < seconds && process.isRunning {
            if try String(contentsOf: log, encoding: .utf8).contains(text) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        XCTFail("no line \"\(text)\" within \(seconds) s: \(try String(contentsOf: log, encoding: .utf8))")
    }

    /// Sends `sig`, waits at most 15 s for the exit, returns the log's lines.
    func stop(_ p: Process, with sig: Int32, log: URL) async throws -> [Substring] {
        kill(p.processIdentifier, sig)
        let sent = Date()
        while p.isRunning && Date().timeIntervalSince(sent) < 15 { try await Task.sleep(for: .milliseconds(50)) }
        XCTAssertFalse(p.isRunning, "still running 15 s after signal \(sig)")
        if !p.isRunning { XCTAssertEqual(p.terminationStatus, 0, "exit status after signal \(sig)") }
        FileHandle.standardError.write(Data("SIGNAL \(sig) stop_seconds=\(String(format: "%.2f", Date().timeIntervalSince(sent)))\n".utf8))
        return try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
    }

    func launch(_ arguments: [String], log: URL) throws -> Process {
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        let p = Process()
        p.executableURL = ShutdownTests.binary
        p.arguments = arguments
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        return p
    }

    func testDemoStopsOnSigtermAndSigint() async throws {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: ShutdownTests.binary.path), "build first (swift build)")
        let dir = try temporaryDirectory()
        defer { XCTAssertNoThrow(try FileManager.default.removeItem(at: dir), "temporary directory left behind") }
        for sig in [SIGTERM, SIGINT] {
            let log = dir.appendingPathComponent("demo-\(sig).log")
            let p = try launch(["demo", "--port", "0"], log: log)
            defer { if p.isRunning { p.terminate() } }
            try await waitForLine("ingest: validation done", in: log, process: p)
            try await Task.sleep(for: .seconds(1))  // live updates flowing
            let lines = try await stop(p, with: sig, log: log)
            XCTAssertEqual(lines.last, "stopped", lines.joined(separator: "\n"))
            XCTAssertFalse(lines.contains { $0.localizedCaseInsensitiveContains("fatal") || $0.contains(" error ") }, lines.joined(separator: "\n"))
        }
    }

    /// `run` with SQLite: on SIGINT (SIGTERM is ShutdownTests') the final snapshot is committed,
    /// then the process says "stopped" and exits 0.
    func testRunStopsOnSigintWithTheFinalSnapshotFirst() async throws {
        let dir = try temporaryDirectory()
        defer { XCTAssertNoThrow(try FileManager.default.removeItem(at: dir), "temporary directory left behind") }
        let cluster = try Cluster.bundled(seed: 5, swapsPerSlot: 4)
        let simulator = SimulatorServer(cluster: cluster, options: .init(port: 0, slotMillis: 100))
        let ports = ReadyPorts()
        let simTask = Task { do { try await simulator.run { r, p in ports.set(r, p) } } catch { ports.fail(error); throw error } }
        defer { simTask.cancel() }
        let (rpc, pubsub) = try await ports.wait(timeout: 30)
        let config = dir.appendingPathComponent("config.toml")
        try SimulatorConfigFile.write(
            to: config, rpc: rpc, pubsub: pubsub, apiPort: 0,
            database: """
                path = "\(dir.appendingPathComponent("cache.sqlite").path)"
                snapshot_interval_seconds = 0.5
                """, requestsPerSecond: nil, pools: cluster.poolAddresses)
        let log = dir.appendingPathComponent("run.log")
        let p = try launch(["run", config.path], log: log)
        defer { if p.isRunning { p.terminate() } }
        try await waitForLine("ingest: validation done", in: log, process: p)
        try await Task.sleep(for: .seconds(1.5))  // a few periodic flushes
        let lines = try await stop(p, with: SIGINT, log: log)
        let committed = try XCTUnwrap(lines.lastIndex { $0.hasPrefix("shutdown: snapshot committed,") }, lines.joined(separator: "\n"))
        let stopped = try XCTUnwrap(lines.lastIndex(of: "stopped"), lines.joined(separator: "\n"))
        XCTAssertLessThan(committed, stopped, "the snapshot is committed before \"stopped\"")
        XCTAssertFalse(lines[committed].hasSuffix(" 0 accounts up to slot 0"), String(lines[committed]))
    }
}
