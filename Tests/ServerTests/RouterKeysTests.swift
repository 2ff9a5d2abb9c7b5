import Arbitrage
import Config
import Dex
import Foundation
import HummingbirdWSClient
import Logging
import RPC
import Simulator
import SolanaCore
import XCTest
#if canImport(Glibc)
    import Glibc
#endif

/// `[router]` keys end to end: the real binary (`run CONFIG`) against the in-process simulator, with
/// SOL dumped into one SOL/USDC pool so that round trips profit. `min_roi_percent` filters
/// `/v1/opportunities`, `/v1/stream` and `/scan-arbitrage` without `threshold_pct` (with one, the
/// same process shows what the engine found); `/v1/health` reports the effective settings.
final class RouterKeysTests: XCTestCase {
    let ammV4 = Pubkey("58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2")

    func testMinROIHalfPercentReportsOnlyThoseAtOrAboveIt() async throws {
        try await withService(minROI: 0.5, maxHops: 6) { base in
            // The engine's own findings (a threshold is given, so no ROI filter): both sides of 0.5 %.
            let all = try await waitFor("two-pool opportunities at threshold_pct 0") { try await self.legacy(base, threshold: 0) }
            let rois = all.compactMap { $0["estimated_profit_pct"] as? Double }
            XCTAssertEqual(rois.count, all.count)
            XCTAssertTrue(rois.contains { $0 >= 0.5 }, "scenario: some round trip reaches 0.5 %: \(rois)")
            XCTAssertTrue(rois.contains { $0 < 0.5 }, "scenario: some round trip is below 0.5 %, so the filter has work: \(rois)")

            let listed = try await waitFor("opportunities") { try await self.opportunities(base) }
            for o in listed { try assertROI(o, atLeastPercent: 0.5) }
            // The cluster is quiet and settled: both answers come from the same standing set.
            let filteredLegacy = try await legacy(base, threshold: nil)
            func pools(_ list: [[String: Any]]) -> Set<String> { Set(list.map { "\($0["pool_a_id"] ?? "")>\($0["pool_b_id"] ?? "")" }) }
            XCTAssertEqual(
                pools(filteredLegacy), pools(all.filter { ($0["estimated_profit_pct"] as? Double ?? 0) >= 0.5 }),
                "exactly the round trips at or above 0.5 %")
            XCTAssertFalse(filteredLegacy.isEmpty)

            let streamed = try await streamOpportunities(base, for: .seconds(12))
            XCTAssertFalse(streamed.isEmpty, "the full scan (every 5 s) publishes the standing opportunities")
            for o in streamed { try assertROI(o, atLeastPercent: 0.5) }

            let router = try await health(base)
            XCTAssertEqual(router["min_roi_percent"] as? Double, 0.5)
            XCTAssertEqual(router["max_hops"] as? Int, 6)
            XCTAssertEqual(router["mode"] as? String, "hybrid")
            XCTAssertEqual(router["mode_applied"] as? Bool, false)
            XCTAssertEqual(router["cycles_truncated"] as? Bool, false)
            let cycles = try XCTUnwrap(router["cycles_by_hops"] as? [String: Int], "\(router)")
            XCTAssertGreaterThan(cycles["2", default: 0], 0, "\(cycles)")
            XCTAssertTrue(cycles.keys.allSatisfy { (2...6).contains(Int($0) ?? 0) }, "\(cycles)")
        }
    }

    func testMinROIFiftyPercentReportsNothingWhileTheEngineFindsSome() async throws {
        try await withService(minROI: 50, maxHops: 3) { base in
            let all = try await waitFor("two-pool opportunities at threshold_pct 0") { try await self.legacy(base, threshold: 0) }
            XCTAssertFalse(all.isEmpty)
            // Let a full scan (every 5 s) pass after the engine's findings, then nothing may be reported.
            let streamed = try await streamOpportunities(base, for: .seconds(7))
            XCTAssertEqual(streamed.count, 0, "\(streamed)")
            let listed = try await HTTP.get("\(base)/v1/opportunities").object()
            XCTAssertEqual(listed["count"] as? Int, 0, "\(listed)")
            let legacy = try await legacy(base, threshold: nil)
            XCTAssertEqual(legacy.count, 0, "\(legacy)")
            let router = try await health(base)
            XCTAssertEqual(router["min_roi_percent"] as? Double, 50)
            XCTAssertEqual(router["max_hops"] as? Int, 3)
        }
    }

    func testMaxHopsAboveSixStopsTheStartNamingTheKey() async throws {
        let dir = try tempDir()
        defer { XCTAssertNoThrow(try FileManager.default.removeItem(at: dir), "temporary directory left behind") }
        for (hops, ok) in [(7, false), (1, false), (6, true), (2, true)] {
            let text = "[websocket]\nurl = \"ws://127.0.0.1:1\"\n[router]\nmax_hops = \(hops)\n"
            if ok {
                XCTAssertEqual(try ConfigLoader.parse(text).router.maxHops, hops)
                continue
            }
            let file = dir.appendingPathComponent("hops-\(hops).toml")
            try text.write(to: file, atomically: true, encoding: .utf8)
            let (code, stderr) = try runBinary(["run", file.path])
            XCTAssertEqual(code, 1, stderr)
            XCTAssertEqual(
                stderr,
                "error: \(file.path):4: router.max_hops: expected an integer in 2…6 (cycle lengths the arbitrage search supports), got \(hops)\n")
        }
    }

    func testUnusedKeysAreListed() throws {
        let c = try ConfigLoader.parse(
            """
            [websocket]
            url = "ws://127.0.0.1:1"
            [database]
            record_pool_updates = true
            [router]
            mode = "fast"
            min_roi_percent = 0.5
            max_hops = 6
            """)
        XCTAssertEqual(c.router, RouterSettings(mode: "fast", minROIPercent: 0.5, maxHops: 6))
        XCTAssertEqual(c.unusedKeys.map(\.key), ["database.record_pool_updates", "router.mode"])
        XCTAssertEqual(try ConfigLoader.parse("[websocket]\nurl = \"ws://127.0.0.1:1\"\n").unusedKeys, [], "absent keys are not warned about")
    }

    // MARK: helpers

    func assertROI(_ o: [String: Any], atLeastPercent min: Double, file: StaticString = #filePath, line: UInt = #line) throws {
        let profit = try XCTUnwrap(UInt64(try XCTUnwrap(o["profit"] as? String)), file: file, line: line)
        let input = try XCTUnwrap(UInt64(try XCTUnwrap(o["inputAmount"] as? String)), file: file, line: line)
        // profit / input × 100 ≥ min, in integers (min is 0.5 here: profit × 200 ≥ input).
        XCTAssertGreaterThanOrEqual(UInt128(profit) * UInt128(100 / min), UInt128(input), "\(o)", file: file, line: line)
        let roi = try XCTUnwrap(o["roi"] as? Double, file: file, line: line)
        XCTAssertEqual(roi, Double(profit) / Double(input), accuracy: 1e-12, "roi is the fraction", file: file, line: line)
    }

    func opportunities(_ base: String) async throws -> [[String: Any]] {
        let reply = try await HTTP.get("\(base)/v1/opportunities")
        return try XCTUnwrap(try reply.object()["opportunities"] as? [[String: Any]], reply.text)
    }

    func legacy(_ base: String, threshold: Double?) async throws -> [[String: Any]] {
        let body = threshold.map { #"{"threshold_pct": \#($0)}"# } ?? "{}"
        let reply = try await HTTP.post("\(base)/scan-arbitrage", body)
        XCTAssertEqual(reply.status, 200, reply.text)
        return try XCTUnwrap(try reply.object()["opportunities"] as? [[String: Any]], reply.text)
    }

    func health(_ base: String) async throws -> [String: Any] {
        let reply = try await HTTP.get("\(base)/v1/health")
        return try XCTUnwrap(try reply.object()["router"] as? [String: Any], reply.text)
    }

    /// Polls until `body` gives a non-empty list (at most 60 s).
    func waitFor(_ what: String, _ body: () async throws -> [[String: Any]]) async throws -> [[String: Any]] {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < .seconds(60) {
            let items = try await body()
            if !items.isEmpty { return items }
            try await Task.sleep(for: .milliseconds(250))
        }
        XCTFail("no \(what) within 60 s")
        return []
    }

    /// The `opportunity` messages of `/v1/stream` during `duration`.
    func streamOpportunities(_ base: String, for duration: Duration) async throws -> [[String: Any]] {
        let received = Collected()
        let url = base.replacingOccurrences(of: "http://", with: "ws://") + "/v1/stream"
        try await WebSocketClient.connect(url: url, logger: Logger(label: "test")) { inbound, outbound, _ in
            // Closing our side ends the server's session, which ends `inbound`: the wait is bounded.
            let closer = Task {
                try await Task.sleep(for: duration); try await outbound.close(.normalClosure, reason: nil)
            }
            defer { closer.cancel() }
            for try await message in inbound.messages(maxSize: 1 << 20) {
                if case .text(let text) = message { await received.add(text) }
            }
        }
        return try await received.items.compactMap { text in
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            return object["type"] as? String == "opportunity" ? try XCTUnwrap(object["opportunity"] as? [String: Any]) : nil
        }
    }

    /// Runs the binary with `[router]` settings against a quiet simulated cluster in which SOL was
    /// dumped into the AMM v4 SOL/USDC pool (3 % of its reserve), then SIGTERMs it.
    func withService(minROI: Double, maxHops: Int, _ body: (String) async throws -> Void) async throws {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: ShutdownTests.binary.path), "build first (swift build)")
        let dir = try tempDir()
        defer { XCTAssertNoThrow(try FileManager.default.removeItem(at: dir), "temporary directory left behind") }
        let cluster = try Cluster.bundled(seed: 5, swapsPerSlot: 0)
        let price = try XCTUnwrap(cluster.model(ammV4)).price(context: QuoteContext(now: cluster.now, slot: cluster.slot))
        _ = try cluster.swap(pool: ammV4, inputMint: KnownMints.wsol, amountIn: try XCTUnwrap(price.reserveA) / 100 * 3)
        let simulator = SimulatorServer(cluster: cluster, options: .init(port: 0))
        let (portStream, portContinuation) = AsyncStream<(Int, Int)>.makeStream()
        let simTask = Task {
            defer { portContinuation.finish() }
            try await simulator.run { rpc, pubsub in
                portContinuation.yield((rpc, pubsub)); portContinuation.finish()
            }
        }
        defer { simTask.cancel() }
        var it = portStream.makeAsyncIterator()
        let ports = await it.next()
        let (rpc, pubsub) = try XCTUnwrap(ports)
        let apiPort = try LoopbackPort.free()
        let config = dir.appendingPathComponent("config.toml")
        try SimulatorConfigFile.write(
            to: config, rpc: rpc, pubsub: pubsub, apiPort: apiPort, database: "enabled = false",
            extra: "[router]\nmode = \"hybrid\"\nmin_roi_percent = \(minROI)\nmax_hops = \(maxHops)", pools: cluster.poolAddresses)
        let log = dir.appendingPathComponent("service.log")
        let process = try ShutdownTests.launch(config: config, log: log)
        defer { if process.isRunning { process.terminate() } }
        try await waitUntilServing(port: apiPort, process: process, log: log)
        try await waitUntilSettled(port: apiPort)
        let text = try String(contentsOf: log, encoding: .utf8)
        XCTAssertTrue(text.contains("config: router.mode: read but not used"), "the ignored key is warned about at start: \(text)")
        try await body("http://127.0.0.1:\(apiPort)")
        kill(process.processIdentifier, SIGTERM)
        let signalled = ContinuousClock.now
        while process.isRunning && ContinuousClock.now - signalled < .seconds(15) { try await Task.sleep(for: .milliseconds(50)) }
        XCTAssertFalse(process.isRunning, "still running 15 s after SIGTERM")
        XCTAssertEqual(process.terminationStatus, 0)
    }

    /// Waits (at most 30 s) until the service answers `/v1/health`.
    func waitUntilServing(port: Int, process: Process, log: URL) async throws {
        let start = ContinuousClock.now
        var lastError = "no answer"
        while ContinuousClock.now - start < .seconds(30) && process.isRunning {
            // Connection refused while the service starts is expected; the last error is reported if it never answers.
            do {
                let reply = try await HTTP.get("http://127.0.0.1:\(port)/v1/health")
                if reply.status == 200 { return }
                lastError = "HTTP \(reply.status)"
            } catch { lastError = "\(error)" }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ServiceDidNotStart("no API on port \(port) within 30 s (\(lastError)): \(try String(contentsOf: log, encoding: .utf8))")
    }

    /// Waits (at most 60 s) until no pool is pending, then past one full scan (every 5 s): with a
    /// quiet cluster nothing changes after that, so the standing opportunities are settled.
    func waitUntilSettled(port: Int) async throws {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < .seconds(60) {
            let health = try await HTTP.get("http://127.0.0.1:\(port)/v1/health").object()
            let counts = try XCTUnwrap(health["pools_by_status"] as? [String: Int])
            if counts["ok", default: 0] > 0 && counts["pending", default: 0] == 0 {
                try await Task.sleep(for: .seconds(6))
                return
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        XCTFail("pools still pending after 60 s")
    }

    func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spc-router-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    func runBinary(_ args: [String]) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = ShutdownTests.binary
        p.arguments = args
        let err = Pipe()
        p.standardError = err
        p.standardOutput = Pipe()
        try p.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// The service never answered on its API port (the error carries its log).
struct ServiceDidNotStart: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
