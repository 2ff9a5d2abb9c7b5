import Cache
import Foundation
import Ingest
import Logging
import Server
import SolanaCore
import XCTest

/// A first run on many pools explains itself: the validation log lines carry N of M, the rate and
/// the ETA, and `/v1/health` says `validating n/m` (with the same figures) and then `live`.
final class FirstRunProgressTests: XCTestCase {
    /// Every key is absent from the chain (pools turn `not_found`), each read of a slice is slow, and
    /// the stream is live at once: validation is the only thing to watch.
    // @unchecked Sendable: `lock` guards gate; the rest are lets.
    final class SlowEmptySource: AccountSource, @unchecked Sendable {
        let delay: Duration
        private let lock = NSLock()
        private var gate = 0
        init(delay: Duration) { self.delay = delay }
        var reads: Int { lock.withLock { gate } }
        func read(_ keys: [Pubkey]) async throws -> [AccountData?] {
            try await Task.sleep(for: delay)
            lock.withLock { gate += 1 }
            return keys.map { _ in nil }
        }
        func follow(_ wanted: Set<Pubkey>) {}
        func run(into sink: any AccountSink) async throws { try await Task.sleep(for: .seconds(3600)) }
        func connections() -> [ConnectionHealth] { [] }
        func contribute(to counters: inout IngestCounters) {}
    }

    func testValidationReportsProgressRateAndETAInLogsAndHealth() async throws {
        let store = PoolStore()
        // 2,500 pools: three validation slices of at most 1,000 keys each.
        let pools = (0..<2_500).map { i -> Pubkey in
            var bytes = [UInt8](repeating: 0, count: 32)
            bytes[0] = UInt8(i & 0xFF); bytes[1] = UInt8(i >> 8); bytes[31] = 9
            return Pubkey(bytes: bytes)!
        }
        for p in pools { store.addPool(PoolConfig(address: p)) }
        let lines = SecretRedactionTests.Lines()
        let logger = Logger(label: "first-run", factory: { _ in SecretRedactionTests.Capture(lines: lines) })
        let source = SlowEmptySource(delay: .milliseconds(700))
        let engine = IngestEngine(store: store, config: IngestConfig(endpoints: []), source: source, logger: logger)
        let running = try await RunningServer(store: store, ingest: engine)
        defer { Task { await running.stop() } }
        let task = Task { try await engine.run() }
        defer { task.cancel() }

        // Between the first and the last slice: some pools settled, a rate and an ETA.
        var seen: [String: Any] = [:]
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let h = try await HTTP.get("\(running.base)/v1/health").object()
            if let v = h["validation"] as? [String: Any], (v["settled"] as? Int ?? 0) > 0 {
                seen = h
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        let validation = try XCTUnwrap(seen["validation"] as? [String: Any], "no validation progress in /v1/health")
        let settled = try XCTUnwrap(validation["settled"] as? Int)
        // A slice's pools are marked one by one, so a poll may land inside a slice.
        XCTAssertTrue((1..<2_500).contains(settled), "settled before the end: \(settled)")
        XCTAssertEqual(validation["total"] as? Int, 2_500)
        XCTAssertEqual(seen["phase"] as? String, "validating \(settled)/2500")
        let rate = try XCTUnwrap(validation["per_second"] as? Double)
        // One slice per 0.7 s is at most ~1,430 pools/s; the first health poll may catch it sooner after.
        XCTAssertGreaterThan(rate, 100)
        XCTAssertLessThan(rate, 1_500)
        let eta = try XCTUnwrap(validation["eta_s"] as? Int)
        XCTAssertGreaterThanOrEqual(eta, 1)
        FileHandle.standardError.write(Data("FIRST-RUN phase=\(seen["phase"] ?? "") per_second=\(rate) eta_s=\(eta)\n".utf8))

        // Then live, no validation block.
        var phase = ""
        let end = Date().addingTimeInterval(20)
        while Date() < end && phase != "live" {
            try await Task.sleep(for: .milliseconds(100))
            phase = try await HTTP.get("\(running.base)/v1/health").object()["phase"] as? String ?? ""
        }
        XCTAssertEqual(phase, "live")
        XCTAssertEqual(source.reads, 3, "three slices of one round")
        let progress = lines.all.filter { $0.contains("validation round 1: pools read: ") }
        XCTAssertEqual(progress.count, 3, "\(lines.all)")
        // e.g. "ingest: validation round 1: pools read: 2000 of 2500 (1428/s, ETA 1 s)"
        let pattern = try NSRegularExpression(pattern: #"pools read: (1000|2000|2500) of 2500 \(\d+(\.\d)?/s, ETA \d+ s\)"#)
        for line in progress {
            XCTAssertNotNil(pattern.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)), line)
        }
        XCTAssertTrue(progress.last?.contains("read: 2500 of 2500") == true && progress.last?.contains("ETA 0 s") == true, "\(progress)")
        XCTAssertTrue(lines.all.contains { $0.contains("pools validated: 2500 of 2500 (") && $0.contains("/s, ETA 0 s), round 1") }, "\(lines.all)")
    }
}
