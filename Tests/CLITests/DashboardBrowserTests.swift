import Foundation
import Soak
import XCTest

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The dashboard in real browsers: `demo` runs as a process, headless Chromium (Debian's `chromium`,
/// over the DevTools protocol) and Firefox (`firefox-esr`, over WebDriver BiDi), both driven by
/// scripts/dashboard-browser.py, load `/`, and the page must show every pool `/v1/pools` lists,
/// prices that move, and an opportunity, with no page error. The screenshots go to
/// .build/test-artifacts/dashboard-<browser>.png (docs/dashboard.png is Chromium's).
final class DashboardBrowserTests: XCTestCase {
    static let root = DemoTests.binary.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testDashboardShowsLivePoolsAndOpportunitiesInChromiumAndFirefox() async throws {
        let (demo, port, dir) = try await startDemo([])
        defer { demo.stop(); XCTAssertNoThrow(try FileManager.default.removeItem(at: dir)) }
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
        let count = try await poolCount(port: port, token: nil)

        // Chromium over the DevTools protocol, Firefox over WebDriver BiDi: the same checks.
        for browser in ["chromium", "firefox"] {
            let shot = Self.root.appendingPathComponent(".build/test-artifacts/dashboard-\(browser).png")
            let report = try await browse(port: port, pools: count, screenshot: shot, extra: ["--browser", browser], directory: dir)
            XCTAssertTrue((report["browser"] as? String ?? "").lowercased().contains(browser == "chromium" ? "chromium" : "firefox"), "\(report)")
            XCTAssertEqual(report["console_errors"] as? [String], [], "\(browser): console errors (a blocked or failed load shows here)")
            let png = try Data(contentsOf: shot)
            XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "a PNG")
            XCTAssertGreaterThan(png.count, 20_000, "a picture of a filled page, not a blank one")
        }
    }

    /// On a listener other machines can reach every data route needs the token: the page still loads,
    /// says so, and once the token is typed in it is kept and the same live view follows.
    func testDashboardAsksForTheTokenAndUsesIt() async throws {
        let name = "SPC_DASHBOARD_TEST_TOKEN"
        let token = "dash-\(UUID().uuidString)"
        setenv(name, token, 1)
        defer { unsetenv(name) }
        let (demo, port, dir) = try await startDemo(["--host", "0.0.0.0", "--token-env", name])
        defer { demo.stop(); XCTAssertNoThrow(try FileManager.default.removeItem(at: dir)) }
        let (unauthorized, _, _) = try await get("http://127.0.0.1:\(port)/v1/pools")
        XCTAssertEqual(unauthorized, 401, "data needs the token here")
        let count = try await poolCount(port: port, token: token)

        let shot = dir.appendingPathComponent("token.png")
        let report = try await browse(port: port, pools: count, screenshot: shot, extra: ["--token-env", name], directory: dir)
        XCTAssertTrue((report["asked_for_token"] as? String ?? "").contains("needs a token"), "\(report)")
        XCTAssertEqual(report["pool_rows_without_token"] as? Int, 0, "nothing shown without the token")
        XCTAssertEqual(report["token_stored"] as? Bool, true, "kept in localStorage")
        // The refused requests before the token was given are the only console errors.
        let errors = report["console_errors"] as? [String] ?? ["missing"]
        XCTAssertTrue(errors.allSatisfy { $0.contains("401") || $0.contains("WebSocket") }, "\(errors)")
        XCTAssertFalse(demo.text().contains(token), "the token never appears in the output")
    }

    /// `demo` with `arguments` on a kernel-chosen port: the process, its port and its directory.
    func startDemo(_ arguments: [String]) async throws -> (ChildProcess, Int, URL) {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: DemoTests.binary.path), "build first")
        XCTAssertTrue(
            FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium"), "chromium is missing: scripts/install-test-deps.sh installs it")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spc-dashboard-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let demo = try ChildProcess.start(
            name: "demo", executable: DemoTests.binary.path, arguments: ["demo", "--port", "0"] + arguments, directory: dir)
        let apiLineSeen = await demo.waitForLine(containing: "API on http://", timeout: 60)
        guard let apiLine = apiLineSeen, let port = apiLine.split(separator: ":").last.flatMap({ Int($0.prefix { $0.isNumber }) }) else {
            demo.stop()
            throw DemoDidNotStart(description: "demo did not print its port: \(demo.tail())")
        }
        return (demo, port, dir)
    }

    /// How many pools `/v1/pools` lists (what the page's table must reach); never zero.
    func poolCount(port: Int, token: String?) async throws -> Int {
        let (status, _, body) = try await get("http://127.0.0.1:\(port)/v1/pools?limit=10000", token: token)
        XCTAssertEqual(status, 200)
        let pools = try XCTUnwrap(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        let count = try XCTUnwrap(pools["count"] as? Int)
        XCTAssertGreaterThan(count, 0, "the demo has pools")
        return count
    }

    /// Runs scripts/dashboard-browser.py on the page and checks what every run must show: every pool
    /// listed and priced, a price changing within seconds, an opportunity row, the stream and health
    /// live, no uncaught page error, Chromium reaped. Returns the report for the caller's own checks.
    func browse(port: Int, pools: Int, screenshot: URL, extra: [String], directory: URL) async throws -> [String: Any] {
        try FileManager.default.createDirectory(at: screenshot.deletingLastPathComponent(), withIntermediateDirectories: true)
        if FileManager.default.fileExists(atPath: screenshot.path) { try FileManager.default.removeItem(at: screenshot) }
        let browser = try ChildProcess.start(
            name: "browser", executable: "/usr/bin/python3",
            arguments: [
                Self.root.appendingPathComponent("scripts/dashboard-browser.py").path, "--url", "http://127.0.0.1:\(port)/",
                "--pools", String(pools), "--screenshot", screenshot.path, "--timeout", "60",
            ] + extra, directory: directory)
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
        XCTAssertEqual(report["all_reaped"] as? Bool, true, "the browser and its helpers reaped")

        XCTAssertEqual(report["pool_rows"] as? Int, pools, "the pools table lists every pool /v1/pools does")
        XCTAssertEqual(report["priced_rows"] as? Int, pools, "every demo pool shows a price")
        XCTAssertGreaterThan(report["prices_changed"] as? Int ?? 0, 0, "prices change live")
        XCTAssertLessThan(report["price_change_s"] as? Double ?? .infinity, 10, "within a few seconds")
        XCTAssertGreaterThan(report["opportunity_rows"] as? Int ?? 0, 0, "an opportunity appears")
        XCTAssertTrue((report["first_opportunity"] as? String ?? "").contains("→"), "\(report)")
        XCTAssertEqual(report["stream_state"] as? String, "stream: live")
        XCTAssertTrue((report["stream_after_drop"] as? String ?? "").hasPrefix("stream: reconnecting in "), "\(report)")
        XCTAssertLessThan(report["reconnect_s"] as? Double ?? .infinity, 5, "back within the first backoff steps")
        XCTAssertEqual(report["health_phase"] as? String, "live")
        XCTAssertGreaterThan(report["connection_rows"] as? Int ?? 0, 0, "connections listed")
        XCTAssertEqual(report["page_errors"] as? [String], [], "uncaught errors in the page")
        return report
    }

    /// Status, Content-Security-Policy and body of one GET, bounded by its 5 s timeout.
    func get(_ url: String, token: String? = nil) async throws -> (Int, String?, Data) {
        var request = URLRequest(url: URL(string: url)!)
        request.timeoutInterval = 5
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = try XCTUnwrap(response as? HTTPURLResponse)
        return (http.statusCode, http.value(forHTTPHeaderField: "Content-Security-Policy"), data)
    }
}

/// The demo did not come up: a failure that stops the test (not a skip).
struct DemoDidNotStart: Error, CustomStringConvertible {
    let description: String
}
