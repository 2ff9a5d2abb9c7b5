import CLI
import Foundation
import XCTest

/// `solana-pool-cache run CONFIG` / `solana-pool-cache CONFIG`: a bad config exits non-zero
/// before anything starts (the message itself is covered by ConfigTests).
final class RunCommandTests: XCTestCase {
    func testBadConfigExitsNonZero() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spc-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("bad.toml")
        try "[websocket]\nurl = \"wss://a.example.invalid\"\n[api]\nport = \"abc\"\n".write(to: bad, atomically: true, encoding: .utf8)
        let positional = await CommandLineMain.run([bad.path])
        XCTAssertEqual(positional, 1)
        let viaRun = await CommandLineMain.run(["run", bad.path])
        XCTAssertEqual(viaRun, 1)
        let missing = await CommandLineMain.run(["run", dir.appendingPathComponent("missing.toml").path])
        XCTAssertEqual(missing, 1)
        let usage = await CommandLineMain.run(["run"])
        XCTAssertEqual(usage, 2)
        let demoUsage = await CommandLineMain.run(["demo", "--port", "99999"])
        XCTAssertEqual(demoUsage, 1)
    }
}
