import Foundation
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An in-process HTTP/1.1 load generator over plain blocking sockets: `concurrency` threads, each
/// with one keep-alive connection to 127.0.0.1, sending the same request back to back and timing
/// every reply (headers and the whole body read). Kept independent of the server's own stack
/// (NIO) so the loader does not share its event loops.
///
/// ```swift
/// let run = try HTTPLoader.run(port: 3001, request: HTTPLoader.get("/prices"), concurrency: 16, seconds: 1, maxRequests: 10_000)
/// run.requestsPerSecond; run.latenciesMicros
/// ```
public enum HTTPLoader {
    public struct Run: Sendable {
        public var latenciesMicros: [Double]
        public var requestsPerSecond: Double
        public var errors: Int
        public var firstError: String?
        public var bodyBytes: Int
    }

    public static func get(_ path: String) -> [UInt8] {
        Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n".utf8)
    }

    public static func post(_ path: String, json: String) -> [UInt8] {
        Array(
            "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\nContent-Type: application/json\r\nContent-Length: \(json.utf8.count)\r\n\r\n\(json)"
                .utf8)
    }

    /// Runs until `seconds` have passed or `maxRequests` were sent in total.
    public static func run(port: Int, request: [UInt8], concurrency: Int, seconds: Double, maxRequests: Int) throws -> Run {
        let perThread = max(1, maxRequests / max(1, concurrency))
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
        let results = ResultBox(count: concurrency)
        let group = DispatchGroup()
        let start = DispatchTime.now().uptimeNanoseconds
        for t in 0..<concurrency {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                var out = ThreadResult()
                do {
                    let conn = try Connection(port: port)
                    defer { conn.close() }
                    while out.latencies.count < perThread && DispatchTime.now().uptimeNanoseconds < deadline {
                        let t0 = DispatchTime.now().uptimeNanoseconds
                        let (status, bytes) = try conn.exchange(request)
                        let t1 = DispatchTime.now().uptimeNanoseconds
                        if status == 200 {
                            out.latencies.append(Double(t1 - t0) / 1_000)
                            out.bodyBytes = bytes
                        } else {
                            out.errors += 1
                            if out.firstError == nil { out.firstError = "HTTP \(status)" }
                            if out.errors > 100 { break }
                        }
                    }
                } catch {
                    out.errors += 1
                    out.firstError = "\(error)"
                }
                results.set(t, out)
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.wait()
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let all = results.all()
        let latencies = all.flatMap(\.latencies)
        return Run(
            latenciesMicros: latencies, requestsPerSecond: Double(latencies.count) / max(elapsed, 1e-9),
            errors: all.reduce(0) { $0 + $1.errors }, firstError: all.compactMap(\.firstError).first,
            bodyBytes: all.map(\.bodyBytes).max() ?? 0)
    }

    struct ThreadResult { var latencies: [Double] = []; var errors = 0; var firstError: String?; var bodyBytes = 0 }

    // @unchecked Sendable: `lock` guards values.
    final class ResultBox: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [ThreadResult]
        init(count: Int) { values = Array(repeating: ThreadResult(), count: count) }
        func set(_ i: Int, _ r: ThreadResult) { lock.withLock { values[i] = r } }
        func all() -> [ThreadResult] { lock.withLock { values } }
    }

    /// One keep-alive connection: writes a request, reads one response (Content-Length or chunked).
    final class Connection {
        let fd: Int32
        private var buffer: [UInt8] = []
        private var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        /// Largest response accepted (a bad server must not make the loader grow without bound).
        static let maxResponseBytes = 64 << 20

        init(port: Int) throws {
            #if canImport(Glibc)
                fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            #else
                fd = socket(AF_INET, SOCK_STREAM, 0)
            #endif
            guard fd >= 0 else { throw BenchError.http("socket() failed: errno \(errno)") }
            var one: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            let rc = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard rc == 0 else { let e = errno; Glibc.close(fd); throw BenchError.http("connect to 127.0.0.1:\(port) failed: errno \(e)") }
        }

        func close() { _ = Glibc.close(fd) }

        /// Sends `request` and returns the status code and body length.
        func exchange(_ request: [UInt8]) throws -> (Int, Int) {
            var sent = 0
            while sent < request.count {
                let n = request.withUnsafeBytes { send(fd, $0.baseAddress! + sent, request.count - sent, Int32(MSG_NOSIGNAL)) }
                guard n > 0 else { throw BenchError.http("send failed: errno \(errno)") }
                sent += n
            }
            // Headers.
            var headerEnd: Int?
            while headerEnd == nil {
                headerEnd = Self.find(buffer, [13, 10, 13, 10])
                if headerEnd == nil { try fill() }
            }
            let head = String(decoding: buffer[0..<headerEnd!], as: UTF8.self)
            buffer.removeFirst(headerEnd! + 4)
            let lines = head.split(separator: "\r\n")
            guard let statusLine = lines.first, statusLine.split(separator: " ").count >= 2,
                let status = Int(statusLine.split(separator: " ")[1])
            else { throw BenchError.http("bad status line") }
            var length: Int?, chunked = false
            for l in lines.dropFirst() {
                let parts = l.split(separator: ":", maxSplits: 1)
                guard parts.count == 2 else { continue }
                let name = parts[0].lowercased(), value = parts[1].trimmingCharacters(in: .whitespaces)
                if name == "content-length" { length = Int(value) }
                if name == "transfer-encoding", value.lowercased().contains("chunked") { chunked = true }
            }
            if chunked {
                var total = 0
                while true {
                    var lineEnd = Self.find(buffer, [13, 10])
                    while lineEnd == nil { try fill(); lineEnd = Self.find(buffer, [13, 10]) }
                    let sizeText = String(decoding: buffer[0..<lineEnd!], as: UTF8.self).split(separator: ";").first ?? ""
                    guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size >= 0, size <= Self.maxResponseBytes else {
                        throw BenchError.http("bad chunk size")
                    }
                    buffer.removeFirst(lineEnd! + 2)
                    while buffer.count < size + 2 { try fill() }
                    buffer.removeFirst(size + 2)
                    total += size
                    if size == 0 { return (status, total) }
                }
            }
            let n = length ?? 0
            guard n <= Self.maxResponseBytes else { throw BenchError.http("response too large") }
            while buffer.count < n { try fill() }
            buffer.removeFirst(n)
            return (status, n)
        }

        private func fill() throws {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            guard n > 0 else { throw BenchError.http(n == 0 ? "connection closed by server" : "recv failed: errno \(errno)") }
            guard buffer.count + n <= Self.maxResponseBytes else { throw BenchError.http("response too large") }
            buffer.append(contentsOf: chunk[0..<n])
        }

        static func find(_ haystack: [UInt8], _ needle: [UInt8]) -> Int? {
            guard haystack.count >= needle.count else { return nil }
            var i = 0
            while i <= haystack.count - needle.count {
                if haystack[i] == needle[0] {
                    var match = true
                    for j in 1..<needle.count where haystack[i + j] != needle[j] { match = false; break }
                    if match { return i }
                }
                i += 1
            }
            return nil
        }
    }
}
