import Foundation
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A blocking TCP connection to 127.0.0.1 with a receive timeout: enough to speak raw HTTP/1.1 and
/// RFC 6455 frames to the simulator, so tests can see exactly what a client sees (status lines,
/// headers, pongs, close frames, silence).
final class LoopbackSocket {
    let fd: Int32
    private var buffer: [UInt8] = []

    enum SocketError: Error { case connect(Int32), closed, timeout, protocolError(String) }

    init(port: Int, timeoutMs: Int = 3_000) throws {
        #if canImport(Glibc)
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { throw SocketError.connect(errno) }  // deinit closes fd
        setTimeout(ms: timeoutMs)
    }

    deinit { close(fd) }

    func setTimeout(ms: Int) {
        var tv = timeval(tv_sec: ms / 1000, tv_usec: suseconds_t((ms % 1000) * 1000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw SocketError.closed }
            sent += n
        }
    }

    /// Reads more bytes into the buffer; throws `.timeout` when nothing arrives in time, `.closed` on EOF.
    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n == 0 { throw SocketError.closed }
        if n < 0 { throw (errno == EAGAIN || errno == EWOULDBLOCK) ? SocketError.timeout : SocketError.closed }
        buffer += chunk[0..<n]
    }

    func read(exactly n: Int) throws -> [UInt8] {
        while buffer.count < n { try fill() }
        defer { buffer.removeFirst(n) }
        return Array(buffer[0..<n])
    }

    /// Reads an HTTP response head (status, lowercased headers) and its Content-Length body.
    func readHTTPResponse() throws -> (status: Int, headers: [String: String], body: String) {
        let crlf: [UInt8] = Array("\r\n\r\n".utf8)
        while true {
            if let r = firstRange(of: crlf) {
                let head = String(decoding: buffer[0..<r], as: UTF8.self)
                buffer.removeFirst(r + 4)
                var lines = head.components(separatedBy: "\r\n")
                let statusLine = lines.removeFirst().split(separator: " ")
                guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw SocketError.protocolError(head) }
                var headers: [String: String] = [:]
                for l in lines {
                    guard let c = l.firstIndex(of: ":") else { continue }
                    headers[l[..<c].lowercased()] = l[l.index(after: c)...].trimmingCharacters(in: .whitespaces)
                }
                let length = Int(headers["content-length"] ?? "0") ?? 0
                let body = try read(exactly: length)
                return (status, headers, String(decoding: body, as: UTF8.self))
            }
            try fill()
        }
    }

    private func firstRange(of needle: [UInt8]) -> Int? {
        guard buffer.count >= needle.count else { return nil }
        for i in 0...(buffer.count - needle.count) where buffer[i] == needle[0] && Array(buffer[i..<(i + needle.count)]) == needle {
            return i
        }
        return nil
    }
}

/// HTTP JSON-RPC over a fresh connection.
func httpPost(port: Int, body: String) throws -> (status: Int, headers: [String: String], body: String) {
    let s = try LoopbackSocket(port: port)
    let bytes = Array(body.utf8)
    try s.send(
        Array(
            "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(bytes.count)\r\nConnection: close\r\n\r\n".utf8
        ) + bytes)
    return try s.readHTTPResponse()
}

/// A minimal RFC 6455 client: upgrade, masked client frames, unmasked server frames.
final class RawWebSocket {
    struct Frame { var opcode: UInt8; var payload: [UInt8]; var text: String { String(decoding: payload, as: UTF8.self) } }
    let socket: LoopbackSocket

    /// Connects and upgrades; throws `upgradeRefused(status)` when the server answers without 101.
    init(port: Int, timeoutMs: Int = 3_000) throws {
        socket = try LoopbackSocket(port: port, timeoutMs: timeoutMs)
        try socket.send(
            Array(
                ("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").utf8))
        let head = try socket.readHTTPResponse()
        guard head.status == 101 else { throw UpgradeRefused(status: head.status) }
    }

    struct UpgradeRefused: Error { let status: Int }

    func send(opcode: UInt8, _ payload: [UInt8]) throws {
        var frame: [UInt8] = [0x80 | opcode]
        let mask: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        if payload.count < 126 {
            frame.append(0x80 | UInt8(payload.count))
        } else if payload.count < 65_536 {
            frame += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xff)]
        } else {
            frame.append(0x80 | 127)
            frame += (0..<8).reversed().map { UInt8(truncatingIfNeeded: UInt64(payload.count) >> (UInt64($0) * 8)) }
        }
        frame += mask
        frame += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        try socket.send(frame)
    }

    func sendText(_ text: String) throws { try send(opcode: 0x1, Array(text.utf8)) }

    func receive() throws -> Frame {
        let h = try socket.read(exactly: 2)
        var length = Int(h[1] & 0x7f)
        if length == 126 {
            let e = try socket.read(exactly: 2)
            length = Int(e[0]) << 8 | Int(e[1])
        } else if length == 127 {
            length = try socket.read(exactly: 8).reduce(0) { $0 << 8 | Int($1) }
        }
        return Frame(opcode: h[0] & 0x0f, payload: try socket.read(exactly: length))
    }

    /// Next text frame as JSON (pings/pongs skipped).
    func receiveJSON() throws -> [String: Any] {
        while true {
            let f = try receive()
            if f.opcode == 0x8 { throw LoopbackSocket.SocketError.closed }
            guard f.opcode == 0x1 else { continue }
            guard let obj = try JSONSerialization.jsonObject(with: Data(f.payload)) as? [String: Any] else {
                throw LoopbackSocket.SocketError.protocolError(f.text)
            }
            return obj
        }
    }

    /// Sends a request and returns the reply with the same id (notifications in between are collected).
    func request(_ id: Int, _ method: String, _ params: String, notifications: inout [[String: Any]]) throws -> [String: Any] {
        try sendText(#"{"jsonrpc":"2.0","id":\#(id),"method":"\#(method)","params":\#(params)}"#)
        while true {
            let m = try receiveJSON()
            if (m["id"] as? Int) == id { return m }
            notifications.append(m)
        }
    }
}
