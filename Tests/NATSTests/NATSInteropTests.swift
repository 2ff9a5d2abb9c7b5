import Foundation
import IngestTestSupport
import NATS
import NATSSync
import SolanaCore
import XCTest

/// An independent consumer (nats-py, the NATS maintainers' Python client; installed by
/// scripts/install-test-deps.sh) reads the stream a shard published: every account's bytes equal
/// the simulator's and its slot the shard's.
final class NATSInteropTests: XCTestCase {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("interop/nats_py_reader.py")

    /// Runs the reader to its end (bounded) and returns its stdout.
    func runReader(_ url: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nats-py-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { XCTAssertNoThrow(try FileManager.default.removeItem(at: dir)) }
        let out = dir.appendingPathComponent("out"), err = dir.appendingPathComponent("err")
        XCTAssertTrue(FileManager.default.createFile(atPath: out.path, contents: nil))
        XCTAssertTrue(FileManager.default.createFile(atPath: err.path, contents: nil))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", Self.script.path, url, "SPC_ACCT", "20"]
        p.standardOutput = try FileHandle(forWritingTo: out)
        p.standardError = try FileHandle(forWritingTo: err)
        try p.run()
        let deadline = Date().addingTimeInterval(40)
        while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if p.isRunning { sendSignal(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        let stderr = try String(contentsOf: err, encoding: .utf8)
        guard p.terminationStatus == 0 else { throw NATSTestError("nats-py reader exited \(p.terminationStatus): \(stderr.suffix(1_500))") }
        return try String(contentsOf: out, encoding: .utf8)
    }

    func testNatsPyReadsTheAccountsTheShardPublished() async throws {
        let server = try NATSServerProcess(name: "py")
        defer { XCTAssertNoThrow(try server.cleanUp()) }
        let sim = try await SimulatorHarness.start(pools: 20, slotMillis: 40, swapsPerSlot: 6)
        defer { sim.stop() }
        let shard = try BusNode.publisher(sim: sim, urls: [server.url], pools: sim.cluster.poolAddresses)
        let live = await SimulatorHarness.eventually(timeout: 30) {
            shard.store.entries().allSatisfy { $0.status == .ok } && shard.status.republishes >= 1
        }
        XCTAssertTrue(live, "shard not live: \(shard.status)")
        try await Task.sleep(nanoseconds: 1_500_000_000)
        try await sim.control("simulatorPause")
        // The shard's store equals the chain once paused; then everything it holds is on the stream.
        let settled = await SimulatorHarness.eventually(timeout: 15) { SimulatorHarness.mismatches(store: shard.store, cluster: sim.cluster).isEmpty }
        XCTAssertTrue(settled)
        try await Task.sleep(nanoseconds: 500_000_000)
        let output = try runReader(server.url)
        let lines = output.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.last, "done \(lines.count - 1)")
        let subjects = BusSubjects()
        var read: [Pubkey: (owner: Pubkey, data: [UInt8], slot: UInt64?, shard: String?)] = [:]
        for line in lines.dropLast() {
            let o = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let (owner, key) = try XCTUnwrap(subjects.parseAccount(try XCTUnwrap(o["subject"] as? String)))
            let data = try XCTUnwrap(Data(base64Encoded: try XCTUnwrap(o["data_b64"] as? String)))
            read[key] = (owner, Array(data), (o["slot"] as? NSNumber)?.uint64Value, o["shard"] as? String)
        }
        // Every account the shard holds (an array it stopped following may linger on the stream, older).
        let held = shard.store.heldAccounts().accounts
        XCTAssertFalse(held.isEmpty)
        for a in held {
            let r = try XCTUnwrap(read[a.address], "\(a.address) held but not on the stream")
            let chain = try XCTUnwrap(sim.cluster.account(a.address), "\(a.address) not on the chain")
            XCTAssertEqual(r.data, chain.data, "\(a.address): bytes")
            XCTAssertEqual(r.owner, chain.owner)
            XCTAssertEqual(r.slot, a.slot, "\(a.address): slot")
            XCTAssertEqual(r.shard, "a")
        }
        print(
            "measured: nats-py read \(read.count) account subjects; the \(held.count) the shard holds equal the chain's bytes and the shard's slots")
        try await sim.control("simulatorResume")
        await shard.stop()
    }
}
