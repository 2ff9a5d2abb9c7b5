import Cache
import Dex
import Foundation
import Server
import Simulator
import SolanaCore
import XCTest
#if canImport(Glibc)
    import Glibc
#endif

/// Hostile HTTP clients against the real server on loopback, over raw POSIX sockets (so the
/// tests can send what no HTTP library would): malformed and oversized requests, slowloris,
/// thousands of idle connections, stream subscribers that never read. During each, a probe
/// client's `GET /prices` must keep answering within a bound and the process RSS must stay bounded.
final class HostileClientTests: XCTestCase {
    /// Generous for a loaded 2-core CI machine; an unprotected server fails it by minutes, not milliseconds.
    static let probeBound = 3.0

    func testMalformedRequestsGetA4xxAndACloseAndNeverBreakTheServer() async throws {
        var settings = APIServer.Settings(host: "127.0.0.1", port: 0)
        settings.headerTimeoutSeconds = 2
        let (running, _, metrics) = try await start(settings)
        defer { Task { await running.stop() } }
        let junk: [[UInt8]] = [
            Array("GARBAGE\r\n\r\n".utf8),
            Array("GET /prices HTTP/9.9\r\nHost: x\r\n\r\n".utf8),
            Array("GET /prices HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n".utf8),
            Array("GET /prices HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n".utf8),
            Array("POST /v1/pools HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n".utf8),
            Array("POST /v1/pools HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello".utf8),
            Array("POST /v1/pools HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\nxx\r\n".utf8),
            Array("GET /\u{7F}\u{01}%%%zz HTTP/1.1\r\nHost: x\r\n\r\n".utf8),
            Array("GET /v1/pools/%ZZ%00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8),
            [0, 0, 0, 0, 0xFF, 0xFE, 13, 10, 13, 10],
            (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) } + [13, 10, 13, 10],
            Array("\r\n\r\n\r\n".utf8),
        ]
        var refused = 0
        for request in junk {
            let client = try RawClient(port: running.port)
            client.send(request)
            let start = Date()
            let reply = client.readUntilClosed(timeout: 5)
            let head = String(decoding: reply.prefix(12), as: UTF8.self)
            let what = String(decoding: request.prefix(40), as: UTF8.self).debugDescription
            // Refused (400, or a bare close when the head was fine and the framing after it was
            // not) and closed at once (blank lines only: by the 2 s head deadline); a 5xx, a 2xx
            // or a connection left open would be a bug.
            XCTAssertFalse(head.hasPrefix("HTTP/1.1 2") || head.hasPrefix("HTTP/1.1 5"), "\(what) → \(head.debugDescription)")
            if head.hasPrefix("HTTP/1.1 4") { refused += 1 }
            XCTAssertLessThan(Date().timeIntervalSince(start), 4, "\(what): connection left open")
            try await probe(running.port)
        }
        XCTAssertGreaterThanOrEqual(refused, 9, "most malformed requests get a 400 before the close")
        // A valid request pipelined with garbage: the valid one is answered, then the connection closes.
        let pipelined = try RawClient(port: running.port)
        pipelined.send(Array("GET /health HTTP/1.1\r\nHost: x\r\n\r\nGARBAGE\r\n\r\n".utf8))
        let both = String(decoding: pipelined.readUntilClosed(timeout: 5), as: UTF8.self)
        XCTAssertFalse(both.contains(" 400 ") && both.range(of: " 400 ")!.lowerBound < (both.range(of: " 200 ")?.lowerBound ?? both.endIndex), both)
        XCTAssertEqual(metrics.counterValue("spc_http_internal_errors_total"), 0)
    }

    func testOversizedBodiesAndHeadersAreRefusedWithoutGrowingMemory() async throws {
        var settings = APIServer.Settings(host: "127.0.0.1", port: 0)
        settings.maxBodyBytes = 64 * 1024
        let (running, _, metrics) = try await start(settings)
        defer { Task { await running.stop() } }
        let rssBefore = try Self.rssBytes()

        // Declared too large: refused before the body is read.
        let declared = try RawClient(port: running.port)
        declared.send(Array("POST /v1/pools HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 104857600\r\n\r\n".utf8))
        declared.send([UInt8](repeating: 0x20, count: 256 * 1024))
        XCTAssertTrue(String(decoding: declared.readUntilClosed(timeout: 5).prefix(12), as: UTF8.self).hasPrefix("HTTP/1.1 413"))

        // Undeclared (chunked) and too large: the body limit stops reading at 64 KiB, the 413
        // arrives, and the connection closes (well before the 30 s body timeout) instead of the
        // server reading and discarding the rest of the body.
        for _ in 0..<5 {
            let chunked = try RawClient(port: running.port)
            chunked.send(Array("POST /v1/pools HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".utf8))
            let chunk = [UInt8](repeating: 0x20, count: 64 * 1024)
            for _ in 0..<4 { chunked.send(Array("10000\r\n".utf8) + chunk + Array("\r\n".utf8)) }  // 256 KiB, and the client goes on
            let reply = try await offPool { chunked.readUntilClosed(timeout: 10) }
            XCTAssertTrue(
                String(decoding: reply.prefix(12), as: UTF8.self).hasPrefix("HTTP/1.1 413"), String(decoding: reply.prefix(80), as: UTF8.self))
            XCTAssertTrue(chunked.isClosed(), "closed after the 413, not left to the body timeout")
            try await probe(running.port)
        }

        // A 1 MiB header: the decoder limit (16 KiB by default) refuses it.
        let big = try RawClient(port: running.port)
        big.send(Array("GET /prices HTTP/1.1\r\nHost: x\r\nX-Fill: \(String(repeating: "a", count: 1 << 20))\r\n\r\n".utf8))
        let bigReply = big.readUntilClosed(timeout: 5)
        XCTAssertTrue(bigReply.isEmpty || String(decoding: bigReply.prefix(12), as: UTF8.self).hasPrefix("HTTP/1.1 4"))

        // 200 headers of 100 bytes (20 KB) also exceed it.
        let many = try RawClient(port: running.port)
        many.send(
            Array(
                ("GET /prices HTTP/1.1\r\nHost: x\r\n" + (0..<200).map { "X-H\($0): \(String(repeating: "b", count: 100))\r\n" }.joined() + "\r\n")
                    .utf8))
        let manyReply = many.readUntilClosed(timeout: 5)
        XCTAssertTrue(manyReply.isEmpty || String(decoding: manyReply.prefix(12), as: UTF8.self).hasPrefix("HTTP/1.1 4"))

        try await probe(running.port)
        XCTAssertGreaterThan(metrics.counterValue("spc_http_rejected_total"), 0)
        XCTAssertLessThan(try Self.rssBytes() - rssBefore, 64 << 20, "RSS grew by more than 64 MiB")
    }

    func testSlowlorisClientsAreClosedByTheHeaderAndBodyDeadlines() async throws {
        var settings = APIServer.Settings(host: "127.0.0.1", port: 0)
        settings.headerTimeoutSeconds = 1.5
        settings.bodyTimeoutSeconds = 1.5
        let (running, _, metrics) = try await start(settings)
        defer { Task { await running.stop() } }

        // 40 clients trickle a request head, one byte every 100 ms (it would take ~4 s each).
        let head = Array("GET /prices HTTP/1.1\r\nHost: slow\r\nX-Pad: 0123456789\r\n\r\n".utf8)
        var slow = try (0..<40).map { _ in try RawClient(port: running.port) }
        // 5 clients send a complete head, then trickle the declared body.
        for _ in 0..<5 {
            let c = try RawClient(port: running.port)
            c.send(Array("POST /v1/pools HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n".utf8))
            slow.append(c)
        }
        let start = Date()
        var closedAt: [Double?] = Array(repeating: nil, count: slow.count)
        var i = 0
        while closedAt.contains(where: { $0 == nil }) && Date().timeIntervalSince(start) < 10 {
            for (n, c) in slow.enumerated() where closedAt[n] == nil {
                if n < 40 { if i < head.count { c.send([head[i]]) } } else { c.send([0x20]) }
                if c.isClosed() { closedAt[n] = Date().timeIntervalSince(start) }
            }
            i += 1
            try await probe(running.port)
            try await Task.sleep(for: .milliseconds(100))
        }
        for (n, t) in closedAt.enumerated() {
            let t = try XCTUnwrap(t, "slow client \(n) was never closed")
            XCTAssertGreaterThan(t, 1.0, "closed before its deadline")
            XCTAssertLessThan(t, 6.0)
        }
        XCTAssertGreaterThanOrEqual(metrics.counterValue("spc_http_connection_timeouts_total"), 45)
    }

    func testTwoThousandIdleConnectionsDoNotStopOtherClients() async throws {
        var settings = APIServer.Settings(host: "127.0.0.1", port: 0)
        settings.maxConnections = 2_500
        settings.headerTimeoutSeconds = 20
        let (running, _, metrics) = try await start(settings)
        defer { Task { await running.stop() } }
        let rssBefore = try Self.rssBytes()
        var idle: [RawClient] = []
        for n in 0..<2_000 {
            idle.append(try RawClient(port: running.port))
            if n % 500 == 499 { try await probe(running.port) }
        }
        // Some idle clients send half a request line and stop.
        for c in idle.prefix(500) { c.send(Array("GET /pri".utf8)) }
        try await waitUntil(10) { metrics.gaugeValue("spc_http_connections") >= 2_000 }
        for _ in 0..<5 { try await probe(running.port) }
        let growth = try Self.rssBytes() - rssBefore
        FileHandle.standardError.write(Data("HOSTILE idle_connections=2000 rss_growth_mib=\(growth >> 20)\n".utf8))
        XCTAssertLessThan(growth, 200 << 20, "2,000 idle connections cost more than 200 MiB")
        idle.removeAll()  // closes them
        try await waitUntil(10) { metrics.gaugeValue("spc_http_connections") <= 1 }
    }

    func testConnectionLimitIsEnforcedAndIdleSlotsAreReclaimed() async throws {
        var settings = APIServer.Settings(host: "127.0.0.1", port: 0)
        settings.maxConnections = 20
        settings.headerTimeoutSeconds = 2
        let (running, _, metrics) = try await start(settings)
        defer { Task { await running.stop() } }
        let idle = try (0..<20).map { _ in try RawClient(port: running.port) }
        try await waitUntil(5) { metrics.gaugeValue("spc_http_connections") == 20 }
        // The 21st client connects (kernel backlog) but is not served while every slot is held…
        let waiting = try RawClient(port: running.port)
        waiting.send(Array("GET /prices HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
        let early = try await offPool { waiting.read(timeout: 0.8) }
        XCTAssertTrue(early.isEmpty, "served beyond max_connections")
        XCTAssertEqual(metrics.gaugeValue("spc_http_connections"), 20)
        XCTAssertGreaterThan(metrics.counterValue("spc_http_connection_limit_reached_total"), 0)
        // …and is served once the header deadline has closed the idle ones.
        let reply = try await offPool { waiting.readUntilClosed(timeout: 8) }
        XCTAssertTrue(String(decoding: reply.prefix(12), as: UTF8.self).hasPrefix("HTTP/1.1 200"), String(decoding: reply.prefix(60), as: UTF8.self))
        try await waitUntil(3) { idle.allSatisfy { $0.isClosed() } }
    }

    func testStreamSubscriberThatNeverReadsIsDroppedWithBoundedMemory() async throws {
        var settings = APIServer.Settings(host: "127.0.0.1", port: 0)
        settings.streamWriteTimeoutSeconds = 2
        let cluster = try Cluster.bundled(seed: 5, swapsPerSlot: 8)
        let store = Feed.store(from: cluster)
        let metrics = ServiceMetrics()
        let running = try await RunningServer(store: store, settings: settings, metrics: metrics)
        defer { Task { await running.stop() } }

        // A well-behaved subscriber (reads everything) and one that never reads after the upgrade.
        let reader = try RawClient(port: running.port)
        reader.send(Self.upgradeRequest)
        let stalled = try RawClient(port: running.port, receiveBuffer: 4096)
        stalled.send(Self.upgradeRequest)
        XCTAssertTrue(String(decoding: stalled.read(timeout: 3).prefix(12), as: UTF8.self).hasPrefix("HTTP/1.1 101"))
        try await waitUntil(5) { metrics.gaugeValue("spc_stream_clients") == 2 }
        let rssBefore = try Self.rssBytes()

        // Pool updates until the stalled client is dropped (each re-priced pool is a message).
        let start = Date()
        var readBytes = 0
        while metrics.counterValue("spc_stream_slow_dropped_total") == 0 && Date().timeIntervalSince(start) < 60 {
            for _ in 0..<20 { if let e = cluster.advance(force: true) { Feed.apply(e.changed, to: store) } }
            readBytes += try await offPool { reader.read(timeout: 0.01).count }
            if Int(Date().timeIntervalSince(start) * 10) % 10 == 0 { try await probe(running.port) }
        }
        XCTAssertEqual(metrics.counterValue("spc_stream_slow_dropped_total"), 1, "the stalled subscriber was not dropped")
        try await waitUntil(5) { metrics.gaugeValue("spc_stream_clients") == 1 }
        XCTAssertGreaterThan(readBytes, 0)
        try await probe(running.port)
        let growth = try Self.rssBytes() - rssBefore
        FileHandle.standardError.write(
            Data(
                "HOSTILE stalled_stream dropped_after_s=\(String(format: "%.1f", Date().timeIntervalSince(start))) reader_bytes=\(readBytes) rss_growth_mib=\(growth >> 20)\n"
                    .utf8))
        XCTAssertLessThan(growth, 100 << 20, "RSS grew by more than 100 MiB while a client stalled")
    }

    // MARK: helpers

    static let upgradeRequest = Array(
        ("GET /v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").utf8)

    func start(_ settings: APIServer.Settings = .init(host: "127.0.0.1", port: 0)) async throws -> (RunningServer, PoolStore, ServiceMetrics) {
        var settings = settings
        settings.port = 0
        let store = Feed.store(from: try Feed.cluster())
        let metrics = ServiceMetrics()
        return (try await RunningServer(store: store, settings: settings, metrics: metrics), store, metrics)
    }

    /// `GET /prices` on a fresh connection answers 200 with a JSON array within `probeBound`.
    func probe(_ port: Int, file: StaticString = #filePath, line: UInt = #line) async throws {
        // Blocking socket calls run on a plain thread: the server's handlers share the test
        // process's (small) cooperative pool, which a blocked test thread would starve.
        let (reply, elapsed) = try await offPool { () throws -> ([UInt8], Double) in
            let start = Date()
            let client = try RawClient(port: port)
            client.send(Array("GET /prices HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n".utf8))
            let reply = client.readUntilClosed(timeout: Self.probeBound)
            return (reply, Date().timeIntervalSince(start))
        }
        XCTAssertTrue(
            String(decoding: reply.prefix(12), as: UTF8.self).hasPrefix("HTTP/1.1 200"), "probe got \(reply.count) bytes", file: file, line: line)
        XCTAssertLessThan(elapsed, Self.probeBound, "probe took \(elapsed)s", file: file, line: line)
    }

    func waitUntil(_ seconds: Double, file: StaticString = #filePath, line: UInt = #line, _ condition: () -> Bool) async throws {
        let start = Date()
        while !condition() {
            guard Date().timeIntervalSince(start) < seconds else { return XCTFail("condition not met within \(seconds)s", file: file, line: line) }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    func offPool<T>(_ body: @escaping () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { c in
            Thread.detachNewThread { c.resume(with: Result { try body() }) }
        }
    }

    /// Resident bytes of this process; throws when /proc cannot tell (a bound on 0 proves nothing).
    static func rssBytes() throws -> Int {
        let text = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kb = Int(line.split(separator: " ").dropFirst().first ?? ""), kb > 0
        else { throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "no VmRSS in /proc/self/status"]) }
        return kb * 1024
    }
}

/// A blocking loopback TCP client on a raw socket (non-blocking reads with poll).
final class RawClient {
    let fd: Int32

    init(port: Int, receiveBuffer: Int32? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        if var size = receiveBuffer { setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size)) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { close(fd); throw POSIXError(.ECONNREFUSED) }
    }

    deinit { close(fd) }

    /// Sends what the socket takes (errors are ignored: the server may already have closed it).
    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            offset += n
        }
    }

    /// Bytes available within `timeout` (stops at the first pause once something arrived).
    func read(timeout: Double) -> [UInt8] {
        var out: [UInt8] = []
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        var wait = Int32(timeout * 1000)
        while poll(&pfd, 1, wait) > 0 {
            var buf = [UInt8](repeating: 0, count: 65536)
            let n = recv(fd, &buf, buf.count, 0)
            if n <= 0 { break }
            out += buf[0..<n]
            wait = 50
        }
        return out
    }

    /// Everything until the server closes the connection or `timeout` passes.
    func readUntilClosed(timeout: Double) -> [UInt8] {
        var out: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while Date() < deadline {
            guard poll(&pfd, 1, Int32(max(1, deadline.timeIntervalSinceNow * 1000))) > 0 else { break }
            var buf = [UInt8](repeating: 0, count: 65536)
            let n = recv(fd, &buf, buf.count, 0)
            if n <= 0 { break }
            out += buf[0..<n]
        }
        return out
    }

    /// True when the peer has closed (EOF or reset), without consuming data that is not there.
    func isClosed() -> Bool {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, 0) > 0 else { return false }
        var buf = [UInt8](repeating: 0, count: 4096)
        let n = recv(fd, &buf, buf.count, Int32(MSG_DONTWAIT))
        return n == 0 || (n < 0 && errno != EAGAIN)
    }
}

extension ServiceMetrics {
    /// A sample's value from the rendered `/metrics` text, nil when absent or unreadable.
    func sample(_ name: String) -> Double? {
        let text = render(store: PoolStore(context: { QuoteContext() }), ingest: nil)
        for line in text.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.split(separator: " ").last ?? "")
        }
        return nil
    }
    /// A counter not incremented yet is not rendered: that reads as 0. A rendered value that does
    /// not parse fails the test.
    func counterValue(_ name: String, file: StaticString = #filePath, line: UInt = #line) -> Double {
        let text = render(store: PoolStore(context: { QuoteContext() }), ingest: nil)
        guard text.contains(name + " ") else { return 0 }
        guard let v = sample(name) else {
            XCTFail("\(name) is rendered but unreadable", file: file, line: line)
            return -1
        }
        return v
    }
    /// A gauge the test reads must be rendered (an absent gauge is a renamed or unregistered one).
    func gaugeValue(_ name: String, file: StaticString = #filePath, line: UInt = #line) -> Double {
        guard let v = sample(name) else {
            XCTFail("gauge \(name) is not in /metrics", file: file, line: line)
            return -1
        }
        return v
    }
}
