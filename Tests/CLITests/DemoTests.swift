import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Soak
import XCTest

/// The README's main command, run as a real process: `demo` serves `/prices` with real-shaped
/// prices within seconds, the prices move, and Ctrl-C (SIGINT) stops it cleanly.
final class DemoTests: XCTestCase {
    static let binary = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".build/debug/solana-pool-cache")

    func get(_ url: String) -> (Int, Data)? {
        let done = DispatchSemaphore(value: 0)
        let result = LockedResult()
        var request = URLRequest(url: URL(string: url)!)
        request.timeoutInterval = 2
        URLSession.shared.dataTask(with: request) { data, response, _ in
            if let http = response as? HTTPURLResponse { result.set((http.statusCode, data ?? Data())) }
            done.signal()
        }.resume()
        done.wait()
        return result.get()
    }

    func prices(_ port: Int) -> [String: Double] {
        guard let (status, data) = get("http://127.0.0.1:\(port)/prices"), status == 200 else { return [:] }
        // A 200 whose body is not the rows array is a failure, not "no prices yet".
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: data) } catch {
            XCTFail("/prices answered 200 with unreadable JSON: \(error)")
            return [:]
        }
        guard let rows = parsed as? [[String: Any]] else {
            XCTFail("/prices answered 200 without a rows array")
            return [:]
        }
        var out: [String: Double] = [:]
        for r in rows { if let id = r["pool_id"] as? String, let p = r["price"] as? Double { out[id] = p } }
        return out
    }

    func awaitLine(_ p: ChildProcess, _ marker: String) async throws -> String {
        let line = await p.waitForLine(containing: marker, timeout: 60)
        return try XCTUnwrap(line, "no \(marker) line: \(p.tail())")
    }

    func testDemoServesMovingPricesAndStopsOnSigint() async throws {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build first")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spc-demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { XCTAssertNoThrow(try FileManager.default.removeItem(at: dir)) }
        // Port 0: the kernel picks it, the demo prints it.
        let demo = try ChildProcess.start(name: "demo", executable: Self.binary.path, arguments: ["demo", "--port", "0"], directory: dir)
        let p = demo.process
        defer { demo.stop() }
        let apiLine = try await awaitLine(demo, "API on http://")
        let port = try XCTUnwrap(apiLine.split(separator: ":").last.flatMap { Int($0.prefix { $0.isNumber }) }, apiLine)

        let start = Date()
        var first: [String: Double] = [:]
        while Date().timeIntervalSince(start) < 30 {
            first = prices(port)
            if first.count >= 8 { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        let ready = Date().timeIntervalSince(start)
        XCTAssertGreaterThanOrEqual(first.count, 8, "pools priced")
        XCTAssertLessThan(ready, 30)
        for (pool, price) in first { XCTAssertTrue(price.isFinite && price > 0, "\(pool) \(price)") }
        // SOL/USDC pools price SOL in the tens of dollars, as the snapshots do.
        let sol = try XCTUnwrap(first["58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2"])
        XCTAssertTrue((20...500).contains(sol), "\(sol)")

        var moved = false
        let watch = Date()
        while Date().timeIntervalSince(watch) < 20 && !moved {
            Thread.sleep(forTimeInterval: 0.5)
            let now = prices(port)
            moved = now.contains { key, value in first[key].map { $0 != value } ?? false }
        }
        XCTAssertTrue(moved, "prices move as the simulated cluster trades")

        // The Grafana dashboard (docs/grafana-dashboard.json) charts only metrics this service exports.
        let dashboard = try String(
            contentsOf: Self.binary.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("docs/grafana-dashboard.json"), encoding: .utf8)
        let regex = try NSRegularExpression(pattern: "spc_[a-z0-9_]+")
        let charted = Set(
            regex.matches(in: dashboard, range: NSRange(dashboard.startIndex..., in: dashboard)).compactMap {
                Range($0.range, in: dashboard).map { String(dashboard[$0]) }
            })
        XCTAssertGreaterThan(charted.count, 20, "the dashboard charts the service")
        let (metricsStatus, metricsBody) = try XCTUnwrap(get("http://127.0.0.1:\(port)/metrics"))
        XCTAssertEqual(metricsStatus, 200)
        let exported = Set(
            String(decoding: metricsBody, as: UTF8.self).split(separator: "\n").filter { !$0.hasPrefix("#") }.map {
                String($0.prefix { $0 != "{" && $0 != " " })
            })
        XCTAssertEqual(charted.subtracting(exported).sorted(), [], "charted but not exported by a running demo")

        kill(p.processIdentifier, SIGINT)
        let stop = Date()
        while p.isRunning && Date().timeIntervalSince(stop) < 15 { Thread.sleep(forTimeInterval: 0.1) }
        XCTAssertFalse(p.isRunning, "stops on Ctrl-C")
        if !p.isRunning { XCTAssertEqual(p.terminationStatus, 0) }
        FileHandle.standardError.write(Data("DEMO-READY seconds=\(String(format: "%.2f", ready)) pools=\(first.count)\n".utf8))
    }
}

/// The answer a URLSession callback hands to the waiting test thread.
// @unchecked Sendable: `lock` guards value.
private final class LockedResult: @unchecked Sendable {
    private let lock = NSLock()
    private var value: (Int, Data)?
    func set(_ v: (Int, Data)) { lock.withLock { value = v } }
    func get() -> (Int, Data)? { lock.withLock { value } }
}
