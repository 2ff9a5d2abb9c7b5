import Foundation
import Soak
import XCTest

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The dashboard in a real browser: `demo` runs as a process, headless Chromium (Debian's
/// `chromium`, driven over the DevTools protocol by scripts/dashboard-browser.py) loads `/`, and the
/// page must show every pool `/v1/pools` lists, prices that move, and an opportunity, with no page
/// error. The screenshot goes to .build/test-artifacts/dashboard.png (docs/dashboard.png is one).
final class DashboardBrowserTests: XCTestCase {
    static let root = DemoTests.binary.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testDashboardShowsLivePoolsAndOpportunitiesInChromium() async throws {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: DemoTests.binary.path), "build first")
        let chromium = ["/usr/bin/chromium", "/usr/local/bin/chromium"].first { FileManager.default.isExecutableFile(atPath: $0) }
        XCTAssertNotNil(chromium, "chromium is missing: scripts/install-test-deps.sh installs Debian's package")
        guard chromium != nil else { return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spc-dashboard-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { XCTAssertNoThrow(try FileManager.default.removeItem(at: dir)) }

        let demo = try ChildProcess.start(name: "demo", executable: DemoTests.binary.path, arguments: ["demo", "--port", "0"], directory: dir)
        defer { demo.stop() }
        let apiLineSeen = await demo.waitForLine(containing: "API on http://", timeout: 60)
        let apiLine = try XCTUnwrap(apiLineSeen, demo.tail())
        let port = try XCTUnwrap(apiLine.split(separator: ":").last.flatMap { Int($0.prefix { $0.isNumber }) }, apiLine)
        // The first run explains itself: once every pool is priced, the dashboard URL and three commands.
        let readySeen = await demo.waitForLine(containing: "ready in ", timeout: 90)
        let ready = try XCTUnwrap(readySeen, demo.tail())
        let after = demo.text().components(separatedBy: ready).last ?? ""
        XCTAssertTrue(after.contains("dashboard:  http://127.0.0.1:\(port)/"), after)
        XCTAssertEqual(after.components(separatedBy: "curl ").count - 1, 3, after)

        // The page itself is served from the binary, with a policy that keeps it to this origin.
        let (pageStatus, policy, page) = try await get("http://127.0.0.1:\(port)/")
        XCTAssertEqual(pageStatus, 200)
        XCTAssertTrue(String(decoding: page, as: UTF8.self).contains("/dashboard/dashboard.js"))
        XCTAssertTrue((policy ?? "").contains("default-src 'none'"), policy ?? "no Content-Security-Policy")
        let (_, _, poolsBody) = try await get("http://127.0.0.1:\(port)/v1/pools?limit=10000")
        let pools = try XCTUnwrap(try JSONSerialization.jsonObject(with: poolsBody) as? [String: Any])
        let count = try XCTUnwrap(pools["count"] as? Int)
        XCTAssertGreaterThan(count, 0, "the demo has pools")

        let artifacts = Self.root.appendingPathComponent(".build/test-artifacts")
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        let shot = artifacts.appendingPathComponent("dashboard.png")
        if FileManager.default.fileExists(atPath: shot.path) { try FileManager.default.removeItem(at: shot) }
        let browser = try ChildProcess.start(
            name: "browser", executable: "/usr/bin/python3",
            arguments: [
                Self.root.appendingPathComponent("scripts/dashboard-browser.py").path, "--url", "http://127.0.0.1:\(port)/",
                "--pools", String(count), "--screenshot", shot.path, "--timeout", "60",
            ], directory: dir)
        defer { browser.stop() }
        // The script bounds each of its waits; this bounds the whole.
        let deadline = Date().addingTimeInterval(300)
        while browser.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(200)) }
        XCTAssertFalse(browser.isRunning, "the browser check did not finish in 300 s: \(browser.tail())")
        browser.stop()
        let line = try XCTUnwrap(browser.text().split(separator: "\n").last(where: { $0.hasPrefix("{") }), browser.tail())
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], String(line))
        FileHandle.standardError.write(Data("DASHBOARD-BROWSER \(line)\n".utf8))
        XCTAssertNil(report["error"], "\(report)")
        XCTAssertEqual(browser.exitStatus, 0, browser.tail())
        XCTAssertEqual(report["all_reaped"] as? Bool, true, "Chromium and its helpers reaped")

        XCTAssertEqual(report["pool_rows"] as? Int, count, "the pools table lists every pool /v1/pools does")
        XCTAssertEqual(report["priced_rows"] as? Int, count, "every demo pool shows a price")
        XCTAssertGreaterThan(report["prices_changed"] as? Int ?? 0, 0, "prices change live")
        XCTAssertLessThan(report["price_change_s"] as? Double ?? .infinity, 10, "within a few seconds")
        XCTAssertGreaterThan(report["opportunity_rows"] as? Int ?? 0, 0, "an opportunity appears")
        XCTAssertTrue((report["first_opportunity"] as? String ?? "").contains("→"), "\(report)")
        XCTAssertEqual(report["stream_state"] as? String, "stream: live")
        XCTAssertEqual(report["health_phase"] as? String, "live")
        XCTAssertGreaterThan(report["connection_rows"] as? Int ?? 0, 0, "connections listed")
        XCTAssertEqual(report["page_errors"] as? [String], [], "uncaught errors in the page")
        XCTAssertEqual(report["console_errors"] as? [String], [], "console errors (a blocked or failed load shows here)")
        let png = try Data(contentsOf: shot)
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "a PNG")
        XCTAssertGreaterThan(png.count, 20_000, "a picture of a filled page, not a blank one")
    }

    /// Status, Content-Security-Policy and body of one GET, bounded by its 5 s timeout.
    func get(_ url: String) async throws -> (Int, String?, Data) {
        var request = URLRequest(url: URL(string: url)!)
        request.timeoutInterval = 5
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = try XCTUnwrap(response as? HTTPURLResponse)
        return (http.statusCode, http.value(forHTTPHeaderField: "Content-Security-Policy"), data)
    }
}
