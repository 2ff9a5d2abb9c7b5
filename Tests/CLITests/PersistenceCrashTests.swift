import Dex
import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Persistence
import Soak
import SolanaCore
import XCTest

/// The service's database at the edges, run as a user would (the real binary): `kill -9` while it
/// writes snapshots leaves a SQLite file that passes its integrity check and warm-starts the API
/// at once; a database that cannot be reached or opened stops the start with one line naming the key.
final class PersistenceCrashTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let binary = repo.appendingPathComponent(".build/debug/solana-pool-cache").path
    var dir: URL!

    override func setUp() async throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("spc-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDown() async throws { try FileManager.default.removeItem(at: dir) }

    func testKillDuringSnapshotWritesThenWarmStart() async throws {
        let sim = try ChildProcess.start(
            name: "simulator", executable: Self.binary, arguments: ["simulate", "--pools", "120", "--port", "0", "--slot-ms", "50"],
            directory: dir)
        defer { sim.stop() }
        let simLine = await sim.waitForLine(containing: "JSON-RPC http://", timeout: 120)
        let ready = try XCTUnwrap(simLine, sim.tail())
        let urls = ready.split(separator: " ").filter { $0.hasPrefix("http://") || $0.hasPrefix("ws://") }.map(String.init)
        XCTAssertEqual(urls.count, 2, ready)

        // The pools to follow, listed by `discover` (every pool of the cluster's SOL/USDC market).
        let discover = try ChildProcess.start(
            name: "discover", executable: Self.binary,
            arguments: ["discover", "--rpc", urls[0], "--mints", "\(KnownMints.wsol.base58),\(KnownMints.usdc.base58)", "--rps", "200"],
            directory: dir)
        defer { discover.stop() }
        try await Self.waitExit(discover, 60)
        let pools = discover.text()
        let poolCount = pools.components(separatedBy: "[[pools]]").count - 1
        XCTAssertGreaterThan(poolCount, 20)
        let sqlite = dir.appendingPathComponent("cache.sqlite").path
        let config = dir.appendingPathComponent("config.toml")
        try """
        [websocket]
        url = "\(urls[1])"
        [rpc]
        http_url = "\(urls[0])"
        requests_per_second = 500
        [api]
        port = 0
        [database]
        path = "\(sqlite)"
        snapshot_interval_seconds = 0.1

        \(pools)
        """.write(to: config, atomically: true, encoding: .utf8)

        let first = try ChildProcess.start(name: "service-1", executable: Self.binary, arguments: ["run", config.path], directory: dir)
        defer { first.stop() }
        let port = try await Self.apiPort(first)
        let writing = try await Self.eventually(90) {
            let h = try await Self.json("http://127.0.0.1:\(port)/v1/health")
            let snaps = (h["database"] as? [String: Any])?["snapshots"] as? [String: Any]
            return (h["pools_by_status"] as? [String: Int])?["ok"] == poolCount && snaps?["last_success_at"] is Double
        }
        XCTAssertTrue(writing, "pools ok and snapshots written: \(first.tail())")
        try await Task.sleep(for: .milliseconds(1_500))  // snapshots every 100 ms while the cluster trades
        kill(first.pid, SIGKILL)
        first.process.waitUntilExit()
        XCTAssertEqual(first.process.terminationReason, .uncaughtSignal)

        let db = try SQLiteStore(path: sqlite)
        let integrity = try await db.integrityCheck()
        XCTAssertEqual(integrity, ["ok"], "the file survives kill -9 mid-write")
        let saved = try await db.loadAccounts()
        await db.close()
        XCTAssertGreaterThan(saved.count, poolCount, "pools and their dependents were saved")
        sim.stop()  // no live source: the restarted service can serve only what it saved

        let second = try ChildProcess.start(name: "service-2", executable: Self.binary, arguments: ["run", config.path], directory: dir)
        defer { second.stop() }
        let port2 = try await Self.apiPort(second)
        let listening = Date()
        var priced = 0
        let served = try await Self.eventually(5) {
            let data = try await Self.get("http://127.0.0.1:\(port2)/prices")
            let rows = try JSONSerialization.jsonObject(with: data) as? [[String: Any]]
            priced = rows?.count ?? 0
            return priced == poolCount
        }
        XCTAssertTrue(served, "the warm start serves every pool within 5 s of listening (\(priced) of \(poolCount))")
        let health = try await Self.json("http://127.0.0.1:\(port2)/v1/health")
        XCTAssertEqual((health["pools_by_status"] as? [String: Int])?["stale"], poolCount, "stale until a live resync")
        FileHandle.standardError.write(
            Data(
                "WARM-START pools=\(poolCount) accounts=\(saved.count) served_after_s=\(String(format: "%.2f", Date().timeIntervalSince(listening)))\n"
                    .utf8))
        kill(second.pid, SIGTERM)
        try await Self.waitExit(second, 30)
        XCTAssertEqual(second.exitStatus, 0, second.tail())
    }

    func testUnreachableOrUnopenableDatabaseStopsTheStartNamingTheKey() async throws {
        let closed = try Self.closedPort()
        let notADirectory = dir.appendingPathComponent("file")
        try Data("x".utf8).write(to: notADirectory)
        let cases = [
            ("url = \"postgresql://spc@127.0.0.1:\(closed)/cache\"", "error: database.url"),
            ("path = \"\(notADirectory.path)/cache.sqlite\"", "error: database.path"),
        ]
        for (i, (line, expected)) in cases.enumerated() {
            let config = dir.appendingPathComponent("bad-\(i).toml")
            try "[websocket]\nurl = \"ws://127.0.0.1:1\"\n[api]\nport = 0\n[database]\n\(line)\n".write(to: config, atomically: true, encoding: .utf8)
            let p = try ChildProcess.start(name: "bad-\(i)", executable: Self.binary, arguments: ["run", config.path], directory: dir)
            defer { p.stop() }
            try await Self.waitExit(p, 60)
            XCTAssertEqual(p.exitStatus, 1, p.tail())
            XCTAssertTrue(p.text().contains(expected), "\(expected) in: \(p.tail())")
            XCTAssertFalse(p.text().contains("API on"), "nothing served before the database is usable")
        }
    }

    // MARK: helpers

    static func waitExit(_ p: ChildProcess, _ seconds: Double) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while p.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        XCTAssertFalse(p.isRunning, "\(p.name) still running after \(Int(seconds)) s")
    }

    static func apiPort(_ p: ChildProcess) async throws -> Int {
        let line = await p.waitForLine(containing: "API on http://", timeout: 120)
        let text = try XCTUnwrap(line, p.tail())
        let url = try XCTUnwrap(text.split(separator: " ").first { $0.hasPrefix("http://") })
        return try XCTUnwrap(Int(url.split(separator: ":").last ?? ""), text)
    }

    static func get(_ url: String) async throws -> Data {
        var r = URLRequest(url: URL(string: url)!)
        r.timeoutInterval = 5
        return try await URLSession.shared.data(for: r).0
    }

    static func json(_ url: String) async throws -> [String: Any] {
        let data = try await get(url)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// Polls `condition` (errors count as not yet) until true or `seconds`.
    static func eventually(_ seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            do { if try await condition() { return true } } catch is URLError {}
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }

    /// A loopback port the kernel just handed out and nobody listens on.
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        XCTAssertTrue(bound)
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}
