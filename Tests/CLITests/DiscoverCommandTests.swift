import Cache
import Config
import Dex
import Foundation
import Soak
import SolanaCore
import XCTest

/// `discover` run as a user would, against `simulate --pools 2000` (both the real binary): it
/// prints exactly the pools holding the given mints, checked against an independent scan by
/// solana-py (every account of every DEX program, unfiltered, searched for both mints' bytes),
/// and its output is a valid `[[pools]]` list for the config.
final class DiscoverCommandTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let binary = repo.appendingPathComponent(".build/debug/solana-pool-cache").path

    func testDiscoverFindsExactlyThePoolsOfTheMintsAmongTwoThousand() async throws {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: Self.binary), "build first")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spc-discover-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { XCTAssertNoThrow(try FileManager.default.removeItem(at: dir)) }

        let sim = try ChildProcess.start(
            name: "simulator", executable: Self.binary, arguments: ["simulate", "--pools", "2000", "--port", "0", "--swaps-per-slot", "0"],
            directory: dir)
        defer { sim.stop() }
        let line = await sim.waitForLine(containing: "JSON-RPC http://", timeout: 180)
        let ready = try XCTUnwrap(line, "simulator: \(sim.tail())")
        let url = try XCTUnwrap(ready.split(separator: " ").first { $0.hasPrefix("http://") }.map(String.init))
        let poolsLine = try XCTUnwrap(sim.text().split(separator: "\n").first { $0.hasPrefix("simulated cluster: ") })
        XCTAssertTrue(poolsLine.hasPrefix("simulated cluster: 2000 pools"), String(poolsLine))

        let mints = [KnownMints.wsol, KnownMints.usdc]
        let discover = try ChildProcess.start(
            name: "discover", executable: Self.binary,
            arguments: ["discover", "--rpc", url, "--mints", mints.map(\.base58).joined(separator: ","), "--rps", "200"],
            directory: dir)
        defer { discover.stop() }
        let deadline = Date().addingTimeInterval(120)
        while discover.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        XCTAssertFalse(discover.isRunning, "discover finished within 120 s")
        XCTAssertEqual(discover.exitStatus, 0, discover.tail())
        let toml = discover.text()
        let config = try ConfigLoader.parse("[websocket]\nurl = \"ws://127.0.0.1:1\"\n" + toml)
        XCTAssertEqual(config.rejectedPools, [], "every printed entry is a usable [[pools]] entry")
        XCTAssertTrue(config.pools.allSatisfy { $0.poolType != nil && $0.name != nil })

        let programs = Set(DexRegistry.all.map(\.program.base58)).sorted()
        let scan = try Self.python(
            [Self.repo.appendingPathComponent("Tests/interop/discovery_scan.py").path, url, mints.map(\.base58).joined(separator: ",")] + programs)
        let independent = Set(try XCTUnwrap(scan["pools"] as? [String]))
        XCTAssertGreaterThan(independent.count, 100, "a 2,000-pool cluster holds hundreds of SOL/USDC pools")
        XCTAssertGreaterThan(try XCTUnwrap(scan["scanned"] as? Int), 2_000)
        XCTAssertEqual(Set(config.pools.map(\.address.base58)), independent)
        // Each entry's pool_type is the DEX whose program owns the pool.
        for p in config.pools.prefix(50) {
            let kind = try XCTUnwrap(PoolConfig.dex(forPoolType: try XCTUnwrap(p.poolType)))
            XCTAssertNotNil(DexRegistry.descriptor(kind), "\(p.address)")
        }
        FileHandle.standardError.write(Data("DISCOVER pools=\(config.pools.count) scanned=\(scan["scanned"] ?? 0)\n".utf8))
    }

    /// Runs a Python script with a deadline; returns its one JSON line.
    static func python(_ arguments: [String], timeout: Double = 300) throws -> [String: Any] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3"] + arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Read while it runs (a full pipe would block it), then reap it.
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(50_000) }
        if p.isRunning { p.terminate() }
        p.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard p.terminationStatus == 0, let obj = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw NSError(domain: "python", code: Int(p.terminationStatus), userInfo: [NSLocalizedDescriptionKey: String(stderr.suffix(800))])
        }
        return obj
    }
}
